/**
 * Everything one student (or the single "lab" host) owns: host and key, stream,
 * delivery into the shared lake under the student's prefix, and alarms. A classroom is
 * one Network and one DataLake plus one Student per name.
 */
import { Construct } from 'constructs';
import { streamNameFor } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import type { DataLake } from './data-lake';
import { DataStream } from './data-stream';
import { Delivery } from './delivery';
import { HostInstance } from './host-instance';
import type { Network } from './network';
import { PipelineAlarms } from './observability';
import { StreamReader } from './stream-reader';

export interface StudentProps {
  readonly config: LabConfig;
  /** Student (host) name, DNS-safe. */
  readonly student: string;
  readonly network: Network;
  readonly lake: DataLake;
  /** Public key material; when absent, read from `publicKeyPath`. */
  readonly publicKey?: string;
  readonly publicKeyPath?: string;
  /** Which public subnet the host lands in (round-robin over AZs). @default 0 */
  readonly subnetIndex?: number;
  /** AWS account id, for the trust conditions of service roles. @default none */
  readonly accountId?: string;
}

export class Student extends Construct {
  readonly student: string;
  readonly host: HostInstance;
  readonly stream: DataStream;
  readonly delivery: Delivery;
  /** With config `consumer`: the role the Spark notebook assumes to read the stream. */
  readonly reader: StreamReader | undefined;

  constructor(scope: Construct, id: string, props: StudentProps) {
    super(scope, id);
    const { config, student } = props;
    const name = `${config.name}-${student}`;
    const tags = { student };
    this.student = student;

    this.stream = new DataStream(this, 'Stream', {
      name: streamNameFor(config, student),
      mode: config.stream.mode,
      ...(config.stream.shards !== undefined ? { shards: config.stream.shards } : {}),
      retentionHours: config.stream.retentionHours,
      tags,
    });
    const subnets = props.network.subnetIds;
    this.host = new HostInstance(this, 'Host', {
      name,
      region: config.region,
      vpcId: props.network.vpcId,
      subnetId: subnets[(props.subnetIndex ?? 0) % subnets.length]!,
      operatorCidr: config.operatorCidr,
      instanceType: config.instanceType,
      ubuntu: config.ubuntu,
      ...(props.publicKey !== undefined ? { publicKey: props.publicKey } : {}),
      ...(props.publicKeyPath !== undefined ? { publicKeyPath: props.publicKeyPath } : {}),
      stream: this.stream,
      tags,
    });
    this.delivery = new Delivery(this, 'Delivery', {
      name: `${name}-delivery`,
      region: config.region,
      prefix: student,
      source: this.stream,
      lake: props.lake,
      bufferSeconds: config.delivery.bufferSeconds,
      bufferMiB: config.delivery.bufferMiB,
      compression: config.delivery.compression,
      ...(props.accountId !== undefined ? { accountId: props.accountId } : {}),
    });
    this.reader = config.consumer
      ? new StreamReader(this, 'Reader', {
          name: `${name}-reader`,
          region: config.region,
          stream: this.stream,
          principal: config.consumer.readerPrincipal,
          externalId: config.consumer.externalId,
        })
      : undefined;
    new PipelineAlarms(this, 'Alarms', {
      name,
      streamName: this.stream.name,
      streamMode: config.stream.mode,
      deliveryName: this.delivery.name,
    });
  }
}
