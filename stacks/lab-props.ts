/**
 * The config, read once: what the lab stack and each of its constructs take from it.
 * LabStack only wires the results together, adding the handles one construct gives
 * another (the network, the lake, the account lookup); no construct sees the config.
 * A new construct gets its props here, beside the others.
 */
import type { S3BackendConfig } from 'cdktn';
import type { AwsProviderConfig } from '@cdktn/provider-aws/lib/provider';
import { classEndOf, hasClassEnd } from '../config/class';
import { hostNames, keyPathFor, streamNameFor } from '../config/hosts';
import type { LabConfig } from '../config/schema';
import type { ClassBudgetProps } from './constructs/class-budget';
import type { ClassEndProps } from './constructs/class-end';
import type { DataLakeProps } from './constructs/data-lake';
import type { NetworkProps } from './constructs/network';
import type { LabDashboardProps } from './constructs/observability';
import type { SearchProps } from './constructs/search';
import type { StudentProps } from './constructs/student';
import { terraformLiteral, terraformLiteralMap } from './literal';
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
  /**
   * With config `class`: when the class ends, as the lab resolved it (the recorded end,
   * moved by `extend`). @default from the config alone (`endsAt`, or now + `hours`)
   */
  readonly classEndsAt?: Date;
  /** With `class.budget.period: class`: where the budget starts counting. @default now */
  readonly classStartedAt?: Date;
}

/** One student's construct: its id and what it takes from the config. */
export interface StudentPlan {
  /** Construct id: stable, since a renamed id is a destroyed host (studentId). */
  readonly id: string;
  readonly props: Omit<StudentProps, 'network' | 'lake' | 'accountId' | 'reader'> & {
    /** With config `consumer`; the external id comes from the stack's variable (variables.ts). */
    readonly reader?: { readonly principal: string };
  };
}

export interface LabProps {
  /** Stack id: the lab name. */
  readonly stackId: string;
  readonly region: string;
  /** The config's waivers, after the automatic ones (automaticWaivers). */
  readonly waivers: readonly WaiverInput[];
  /** Where Terraform keeps state. @default cdktn's local backend default */
  readonly backend?: { readonly s3: S3BackendConfig } | { readonly localPath: string };
  readonly provider: AwsProviderConfig;
  readonly network: Omit<NetworkProps, 'accountId'>;
  readonly lake: DataLakeProps;
  readonly students: readonly StudentPlan[];
  readonly dashboard: Omit<LabDashboardProps, 'pipelines' | 'indexer'>;
  /** With search.enabled. @default no search module */
  readonly search?: Omit<SearchProps, 'lake' | 'prefixes' | 'accountId'>;
  /** With config `class`: the schedule that stops the lab's instances. @default none */
  readonly classEnd?: Omit<ClassEndProps, 'instances' | 'accountId'>;
  /**
   * With config `class.budget`: the AWS Budgets budget; with `stopInstances`, its action
   * stops the lab's instances (the stack fills them in). @default none
   */
  readonly classBudget?: Omit<ClassBudgetProps, 'stop'> & { readonly stopInstances: boolean };
}

/** Construct id of a student: stable, since a renamed id is a destroyed host. */
export const studentId = (student: string) => `Student-${student}`;

export function labProps(config: LabConfig, options: LabStackOptions = {}): LabProps {
  const { name, region } = config;
  return {
    stackId: name,
    region,
    waivers: [...automaticWaivers(config), ...config.policy.waivers],
    ...backendOf(config, options),
    provider: {
      region,
      defaultTags: [
        // User tags first: they may add, never replace, the ones streamlab relies on.
        {
          tags: {
            ...terraformLiteralMap('tags', config.tags),
            lab: name,
            'managed-by': 'streamlab',
          },
        },
      ],
    },
    network: { name, region, instanceType: config.instanceType },
    lake: { namePrefix: `${name}-lake-`, expireDays: config.delivery.expireDays },
    students: hostNames(config).map((student, i) => ({
      id: studentId(student),
      props: studentProps(config, student, i, options),
    })),
    dashboard: { name, region },
    ...(config.search.enabled
      ? {
          search: {
            name,
            region,
            instanceType: config.search.instanceType,
            reservedConcurrency: config.search.reservedConcurrency,
          },
        }
      : {}),
    ...(hasClassEnd(config.class)
      ? {
          classEnd: {
            name,
            region,
            endsAt: options.classEndsAt ?? classEndOf(config.class, new Date()),
          },
        }
      : {}),
    ...(config.class?.budget ? { classBudget: classBudgetProps(config, options) } : {}),
  };
}

function classBudgetProps(
  config: LabConfig,
  options: LabStackOptions,
): NonNullable<LabProps['classBudget']> {
  const budget = config.class!.budget!;
  const now = new Date();
  return {
    name: config.name,
    region: config.region,
    amount: budget.amount,
    currency: budget.currency,
    // The schema lets period "class" through only with an end of class.
    period:
      budget.period === 'monthly'
        ? { monthly: true }
        : {
            start: options.classStartedAt ?? now,
            end: options.classEndsAt ?? classEndOf(config.class!, now),
          },
    notify: budget.notify,
    stopInstances: budget.stopInstances,
  };
}

function studentProps(
  config: LabConfig,
  student: string,
  subnetIndex: number,
  options: LabStackOptions,
): StudentPlan['props'] {
  const given = options.publicKeys?.[student];
  return {
    student,
    // The provisioner finds the stream by this name; the student's other resources share it.
    name: streamNameFor(config, student),
    region: config.region,
    subnetIndex,
    stream: {
      mode: config.stream.mode,
      shards: config.stream.shards,
      retentionHours: config.stream.retentionHours,
    },
    host: {
      operatorCidr: config.operatorCidr,
      instanceType: config.instanceType,
      ubuntu: config.ubuntu,
      ...(given !== undefined
        ? { publicKey: given }
        : { publicKeyPath: keyPathFor(config, student, options.baseDir).publicKeyPath }),
    },
    delivery: {
      bufferSeconds: config.delivery.bufferSeconds,
      bufferMiB: config.delivery.bufferMiB,
      compression: config.delivery.compression,
    },
    ...(config.consumer ? { reader: { principal: config.consumer.readerPrincipal } } : {}),
  };
}

/** Teams share state in S3 with terraform's native lock file (no DynamoDB table). */
function backendOf(config: LabConfig, options: LabStackOptions): Pick<LabProps, 'backend'> {
  const b = config.backend;
  if (b) {
    return {
      backend: {
        s3: {
          bucket: b.bucket,
          key: b.key
            ? terraformLiteral('backend.key', b.key)
            : `streamlab/${config.name}/terraform.tfstate`,
          region: b.region ?? config.region,
          encrypt: true,
          useLockfile: true,
        },
      },
    };
  }
  return options.statePath !== undefined ? { backend: { localPath: options.statePath } } : {};
}

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
