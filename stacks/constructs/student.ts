/**
 * Everything one student (or the single "lab" host) owns: host and key, stream,
 * delivery into the shared lake under the student's prefix, and alarms. A classroom is
 * one Network and one DataLake plus one Student per name.
 */
import { Construct } from 'constructs';
import type { DataLake } from './data-lake';
import { DataStream, type DataStreamProps } from './data-stream';
import { Delivery, type DeliveryProps } from './delivery';
import { HostInstance, type HostInstanceProps } from './host-instance';
import type { Network } from './network';
import { PipelineAlarms } from './observability';
import { StreamReader, type StreamReaderProps } from './stream-reader';

export interface StudentProps {
  /** Student (host) name, DNS-safe: the student's lake prefix and its `student` tag. */
  readonly student: string;
  /**
   * The stream's name, and the prefix of every other name of the student's resources
   * ("<name>-delivery", "<name>-reader", …).
   */
  readonly name: string;
  /** AWS region of the lab (IAM names hold it). */
  readonly region: string;
  /** The lab's VPC: the host lands in one of its public subnets. */
  readonly network: Pick<Network, 'vpcId' | 'subnetIds'>;
  /** The shared lake; the student's delivery writes under its own prefix. */
  readonly lake: DataLake;
  /** Which public subnet the host lands in (round-robin over AZs). @default 0 */
  readonly subnetIndex?: number;
  /** AWS account id, for the trust conditions of service roles. @default none */
  readonly accountId?: string;
  /** How the stream is sized and kept. @default DataStream's defaults */
  readonly stream?: Pick<DataStreamProps, 'mode' | 'shards' | 'retentionHours'>;
  /** Who may reach the host, what it runs, and its public key. */
  readonly host: Pick<
    HostInstanceProps,
    'operatorCidr' | 'instanceType' | 'ubuntu' | 'publicKey' | 'publicKeyPath'
  >;
  /** How Firehose buffers and compresses. @default Delivery's defaults */
  readonly delivery?: Pick<DeliveryProps, 'bufferSeconds' | 'bufferMiB' | 'compression'>;
  /**
   * Who may read the stream from a Spark notebook (config `consumer`).
   * @default no reader role
   */
  readonly reader?: Pick<StreamReaderProps, 'principal' | 'externalId'>;
}

export class Student extends Construct {
  readonly student: string;
  readonly host: HostInstance;
  readonly stream: DataStream;
  readonly delivery: Delivery;
  /** With `reader`: the role the Spark notebook assumes to read the stream. */
  readonly reader: StreamReader | undefined;

  constructor(scope: Construct, id: string, props: StudentProps) {
    super(scope, id);
    const { name, region, student } = props;
    const tags = { student };
    this.student = student;

    this.stream = new DataStream(this, 'Stream', { name, ...props.stream, tags });
    const subnets = props.network.subnetIds;
    this.host = new HostInstance(this, 'Host', {
      name,
      region,
      vpcId: props.network.vpcId,
      subnetId: subnets[(props.subnetIndex ?? 0) % subnets.length]!,
      ...props.host,
      stream: this.stream,
      tags,
    });
    this.delivery = new Delivery(this, 'Delivery', {
      name: `${name}-delivery`,
      region,
      prefix: student,
      source: this.stream,
      lake: props.lake,
      ...props.delivery,
      accountId: props.accountId,
    });
    this.reader = props.reader
      ? new StreamReader(this, 'Reader', {
          name: `${name}-reader`,
          region,
          stream: this.stream,
          ...props.reader,
        })
      : undefined;
    new PipelineAlarms(this, 'Alarms', {
      name,
      streamName: this.stream.name,
      streamMode: props.stream?.mode,
      deliveryName: this.delivery.name,
    });
  }
}
