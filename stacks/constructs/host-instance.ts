/**
 * One Ubuntu EC2 host with the producer's identity: key pair from the operator's public
 * key (the private key never leaves the operator's machine, never enters state), IMDSv2
 * only, encrypted gp3 root volume, SSH only from the operator's network, and an instance
 * profile that can write only to its own stream.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { DataAwsAmi } from '@cdktn/provider-aws/lib/data-aws-ami';
import { IamInstanceProfile } from '@cdktn/provider-aws/lib/iam-instance-profile';
import { Instance } from '@cdktn/provider-aws/lib/instance';
import { KeyPair } from '@cdktn/provider-aws/lib/key-pair';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktn/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule';
import { StackInputError } from '../errors';
import { terraformLiteral } from '../literal';
import { CANONICAL_OWNER, ubuntuAmiNamePattern, type UbuntuRelease } from '../ubuntu-ami';
import type { DataStream } from './data-stream';
import { regionalIamName, ServiceRole } from './service-role';

export interface HostInstanceProps {
  /** Resource name prefix, e.g. "<lab>-<student>". */
  readonly name: string;
  /** AWS region of the lab (the IAM role and instance profile names hold it). */
  readonly region: string;
  /** VPC of the host's security group. */
  readonly vpcId: string;
  /** Public subnet the host lands in. */
  readonly subnetId: string;
  /** Source of SSH (port 22) traffic, e.g. "203.0.113.7/32". */
  readonly operatorCidr: string;
  /** @default "t3.micro" */
  readonly instanceType?: string;
  /** @default "24.04" */
  readonly ubuntu?: UbuntuRelease;
  /**
   * OpenSSH public key material ("ssh-ed25519 AAAA… comment"). Give this or
   * `publicKeyPath`; tests pass the material directly. @default read from publicKeyPath
   */
  readonly publicKey?: string;
  /** File holding the public key (`streamlab init` writes it). @default none: give publicKey */
  readonly publicKeyPath?: string;
  /** The stream the host's producer writes to; the host gets write access to it only. */
  readonly stream: DataStream;
  /** Root volume size. @default 16 */
  readonly rootVolumeGiB?: number;
  /** Extra tags on the host's resources. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

/** Reads and checks a public key; never accepts private key material. */
export function readPublicKey(where: string, material: string): string {
  const key = material.trim();
  if (/PRIVATE KEY/.test(key)) {
    throw new StackInputError(
      `${where} holds a PRIVATE key; only the public key (.pub) may go into the stack`,
    );
  }
  if (!PUBLIC_KEY.test(key)) {
    throw new StackInputError(
      `${where} is not an OpenSSH public key (expected "ssh-ed25519 AAAA…"); \`streamlab init\` creates one`,
    );
  }
  return key;
}

function loadPublicKey(path: string): string {
  if (!existsSync(path)) {
    throw new StackInputError(
      `SSH public key ${path} does not exist; \`streamlab init\` creates the lab's key pairs`,
    );
  }
  return readPublicKey(path, readFileSync(path, 'utf8'));
}

export class HostInstance extends Construct {
  readonly instanceId: string;
  /** The instance's ARN: what a policy allowing an action on exactly this host names. */
  readonly instanceArn: string;
  readonly publicDns: string;
  readonly publicIp: string;

  constructor(scope: Construct, id: string, props: HostInstanceProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 't3.micro';
    const tags = props.tags ?? {};
    let publicKey: string;
    if (props.publicKey !== undefined) {
      publicKey = readPublicKey(`${this.node.path} publicKey`, props.publicKey);
    } else if (props.publicKeyPath !== undefined) {
      publicKey = loadPublicKey(props.publicKeyPath);
    } else {
      throw new Error(`${this.node.path}: give publicKey or publicKeyPath`);
    }

    // The key's comment is free-form text from a file: a literal, never a template.
    const key = new KeyPair(this, 'Key', {
      keyName: props.name,
      publicKey: terraformLiteral(`${this.node.path} publicKey`, publicKey),
      tags,
    });

    const ami = new DataAwsAmi(this, 'Ubuntu', {
      owners: [CANONICAL_OWNER],
      mostRecent: true,
      filter: [
        { name: 'name', values: [ubuntuAmiNamePattern(props.ubuntu ?? '24.04', instanceType)] },
        { name: 'virtualization-type', values: ['hvm'] },
        { name: 'root-device-type', values: ['ebs'] },
      ],
    });

    const role = new ServiceRole(this, 'Role', {
      service: 'ec2.amazonaws.com',
      name: `${props.name}-host`,
      region: props.region,
      description: `Producer on host ${props.name}: writes to ${props.stream.name} only`,
    });
    // Writing its own stream is all the host may do. No cloudwatch:PutMetricData: IAM can
    // scope it to a namespace but not to a dimension or a number of metrics, so a student
    // could forge a classmate's dashboard row or run up custom-metric charges. Kinesis
    // publishes the course's metrics per stream itself (docs/security.md).
    props.stream.grantWrite(role);
    const profile = new IamInstanceProfile(this, 'Profile', {
      name: regionalIamName(`${props.name}-host`, props.region),
      role: role.name,
      tags,
    });

    const sg = new SecurityGroup(this, 'SshSecurityGroup', {
      name: `${props.name}-ssh`,
      description: `SSH to ${props.name} from the operator only`,
      vpcId: props.vpcId,
      tags: { ...tags, Name: `${props.name}-ssh` },
    });
    new VpcSecurityGroupIngressRule(this, 'SshFromOperator', {
      securityGroupId: sg.id,
      description: 'SSH from operatorCidr',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: props.operatorCidr,
    });
    // Egress stays open: apt, pip and the Kinesis/CloudWatch endpoints are public.
    new VpcSecurityGroupEgressRule(this, 'AllEgress', {
      securityGroupId: sg.id,
      description: 'apt, pip, AWS APIs',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });

    const instance = new Instance(this, 'Instance', {
      ami: ami.id,
      instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [sg.id],
      keyName: key.keyName,
      iamInstanceProfile: profile.name,
      monitoring: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: {
        volumeType: 'gp3',
        volumeSize: props.rootVolumeGiB ?? 16,
        encrypted: true,
        deleteOnTermination: true,
        // Here, not volume_tags: those fight the provider's default_tags on every plan.
        tags: { ...tags, Name: props.name },
      },
      tags: { ...tags, Name: props.name },
      // A newer Ubuntu AMI must not replace a running host (and its provisioned state)
      // on the next plan; recreate hosts deliberately with `terraform apply -replace`.
      lifecycle: { ignoreChanges: ['ami'] },
      dependsOn: role.grants,
    });
    this.instanceId = instance.id;
    this.instanceArn = instance.arn;
    this.publicDns = instance.publicDns;
    this.publicIp = instance.publicIp;
  }
}
