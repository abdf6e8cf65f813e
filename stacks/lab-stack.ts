/**
 * One stack per lab or classroom (stack id = config.name): one Network and DataLake, one
 * Student per name, the lab dashboard, the outputs, and the policy Aspect that fails synth
 * on any unwaived finding.
 */
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput } from 'cdktn';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { hostNames, keyPathFor } from '../config/hosts';
import type { LabConfig } from '../config/schema';
import { DataLake } from './constructs/data-lake';
import { terraformLiteral, terraformLiteralMap } from './literal';
import { Network } from './constructs/network';
import { LabDashboard } from './constructs/observability';
import { Search } from './constructs/search';
import { Student } from './constructs/student';
import {
  BUCKET_OUTPUT,
  hostOutputName,
  readerOutputName,
  REGION_OUTPUT,
  SEARCH_ENDPOINT_OUTPUT,
  SEARCH_INDEXER_OUTPUT,
  streamOutputName,
} from './outputs';
import { PolicyCheckedStack } from './policy/checked-stack';
import type { WaiverInput } from './policy/waivers';

export interface LabStackOptions {
  /**
   * Public keys by host name, instead of reading `<keysDir>/<lab>/<host>.pub`
   * (tests and benchmarks). @default read each host's key file
   */
  readonly publicKeys?: Readonly<Record<string, string>>;
  /** Directory keysDir is relative to. @default process.cwd() */
  readonly baseDir?: string;
  /**
   * Terraform state file, relative to the stack's directory (where terraform runs).
   * Kept outside cdktf.out so that deleting build output never deletes state.
   * @default cdktn's local backend default (an absolute path under the working directory)
   */
  readonly statePath?: string;
}

/** The S3 backend of `config.backend`: key and region defaulted, encrypted, S3-locked. */
export function s3BackendProps(config: LabConfig) {
  const b = config.backend!;
  return {
    bucket: b.bucket,
    key: b.key
      ? terraformLiteral('backend.key', b.key)
      : `streamlab/${config.name}/terraform.tfstate`,
    region: b.region ?? config.region,
    encrypt: true,
    useLockfile: true,
  };
}

/** Construct id of a student: stable, since a renamed id is a destroyed host. */
export const studentId = (student: string) => `Student-${student}`;

/** allowOpenSsh: true is the config's explicit consent to CKV_AWS_24: waive it, visibly. */
export function automaticWaivers(config: LabConfig): WaiverInput[] {
  if (!(config.allowOpenSsh && config.operatorCidr === '0.0.0.0/0')) return [];
  return hostNames(config).map((h) => ({
    rule: 'CKV_AWS_24',
    resource: `${config.name}/${studentId(h)}/Host/SshFromOperator`,
    reason: 'allowOpenSsh: true in the config (SSH open to 0.0.0.0/0)',
    automatic: true,
  }));
}

export class LabStack extends PolicyCheckedStack {
  readonly students: readonly Student[];

  constructor(scope: Construct, config: LabConfig, options: LabStackOptions = {}) {
    super(scope, config.name, [...automaticWaivers(config), ...config.policy.waivers]);
    // Teams share state in S3 with terraform's native lock file (no DynamoDB table).
    if (config.backend) new S3Backend(this, s3BackendProps(config));
    else if (options.statePath !== undefined) new LocalBackend(this, { path: options.statePath });
    new AwsProvider(this, 'Aws', {
      region: config.region,
      defaultTags: [
        // User tags first: they may add, never replace, the ones streamlab relies on.
        {
          tags: {
            ...terraformLiteralMap('tags', config.tags),
            lab: config.name,
            'managed-by': 'streamlab',
          },
        },
      ],
    });

    const accountId = new DataAwsCallerIdentity(this, 'Account').accountId;
    const network = new Network(this, 'Network', {
      name: config.name,
      region: config.region,
      instanceType: config.instanceType,
      accountId,
    });
    const lake = new DataLake(this, 'DataLake', {
      namePrefix: `${config.name}-lake-`,
      expireDays: config.delivery.expireDays,
    });

    this.students = hostNames(config).map((student, i) => {
      const given = options.publicKeys?.[student];
      return new Student(this, studentId(student), {
        config,
        student,
        network,
        lake,
        subnetIndex: i,
        accountId,
        ...(given !== undefined
          ? { publicKey: given }
          : { publicKeyPath: keyPathFor(config, student, options.baseDir).publicKeyPath }),
      });
    });

    const dashboard = new LabDashboard(this, 'Dashboard', {
      name: config.name,
      region: config.region,
      pipelines: this.students.map((s) => ({
        student: s.student,
        streamName: s.stream.name,
        deliveryName: s.delivery.name,
      })),
    });

    // ── search.enabled: S3 → Lambda → OpenSearch (constructs/search.ts) ──────────
    if (config.search.enabled) {
      const search = new Search(this, 'Search', {
        config,
        lake,
        prefixes: this.students.map((s) => s.delivery.dataPrefix),
        accountId,
      });
      dashboard.addIndexer(search.indexer);
      this.output(SEARCH_ENDPOINT_OUTPUT, search.domain.endpoint, 'OpenSearch domain endpoint');
      this.output(SEARCH_INDEXER_OUTPUT, search.indexer.functionName, 'Indexer Lambda function');
    }
    // ─────────────────────────────────────────────────────────────────────────────

    this.output(REGION_OUTPUT, config.region, 'AWS region of the lab');
    this.output(BUCKET_OUTPUT, lake.bucketName, 'S3 data lake bucket (one prefix per student)');
    for (const s of this.students) {
      const perStudent: [name: string, value: string, what: string][] = [
        [hostOutputName(s.student, 'publicDns'), s.host.publicDns, 'public DNS name'],
        [hostOutputName(s.student, 'publicIp'), s.host.publicIp, 'public IPv4'],
        [hostOutputName(s.student, 'instanceId'), s.host.instanceId, 'EC2 instance id'],
        [streamOutputName(s.student, 'streamName'), s.stream.name, 'Kinesis stream'],
        [streamOutputName(s.student, 'streamArn'), s.stream.arn, 'Kinesis stream ARN'],
      ];
      if (s.reader) {
        const what = 'IAM role the Spark notebook assumes to read the stream';
        perStudent.push([readerOutputName(s.student), s.reader.roleArn, what]);
      }
      for (const [name, value, what] of perStudent)
        this.output(name, value, `${s.student}: ${what}`);
    }
  }

  private output(name: string, value: string, description: string): void {
    const out = new TerraformOutput(this, name, { value, description });
    // Output names are a public contract: never let cdktn derive them from the path.
    out.overrideLogicalId(name);
  }
}
