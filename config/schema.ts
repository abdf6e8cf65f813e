/**
 * The one schema for streamlab.yaml. Stacks, provisioning and scripts all read the
 * parsed `LabConfig`; nothing else parses the file. Keys here are a public contract
 * (docs/configuration.md): rename one and every user's config breaks.
 */
import { z } from 'zod';
import { classSchema } from './class';
import { hostsSchema } from './host-tasks';
import { LOCAL_STATE_DIR } from './local-state';
import { PRODUCER_SOURCES, REGION } from './producer-env';
import { reservedNameProblem } from './reserved-names';
import { parseStudentPublicKey } from './ssh-public-key';
import { tagCountProblem, tagProblems } from './tags';

/** DNS label: lowercase letters, digits, inner hyphens. Used in stack ids, bucket names, hostnames. */
const DNS_SAFE = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

// The bucket name ("<name>-lake-" + Terraform's 26-character unique suffix) must stay
// ≤ 63 characters, and names such as "<name>-<student>-delivery" need room too, so the
// lab name and student names are bounded to leave room for the fixed parts.
export const MAX_NAME_LENGTH = 24;
export const MAX_STUDENT_LENGTH = 20;
export const MAX_STUDENTS = 100;
/** On-demand streams an AWS account may hold per region by default (a Kinesis quota). */
export const ON_DEMAND_STREAM_QUOTA = 50;

const dnsName = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, { error: (i) => `${JSON.stringify(i.input)} is longer than ${max} characters` })
    .regex(DNS_SAFE, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not a DNS-safe name (lowercase letters, digits and inner hyphens; starts with a letter)`,
    });

/** An emulator the operator runs: plain http on a loopback address, with a port. */
const LOOPBACK_URL = /^http:\/\/(127(\.\d{1,3}){3}|localhost|\[::1\]):\d{1,5}\/?$/;

/** Parses "a.b.c.d/n" strictly; returns undefined when it is not a canonical IPv4 CIDR. */
export function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function isCanonicalCidr(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  const hostBits = 32 - parsed.prefix;
  return parsed.address % 2 ** hostBits === 0;
}

const cidr = z
  .string({ error: 'must be a string such as "203.0.113.7/32"' })
  .refine((v) => parseCidr(v) !== undefined, {
    error: (i) => `${JSON.stringify(i.input)} is not an IPv4 CIDR such as "203.0.113.7/32"`,
  })
  .refine((v) => parseCidr(v) === undefined || isCanonicalCidr(v), {
    error: (i) =>
      `${JSON.stringify(i.input)} has host bits set; write the network address (e.g. "203.0.113.0/24")`,
  });

const intIn = (min: number, max: number, unit = '') =>
  z
    .number({ error: 'must be a number' })
    .int({ error: (i) => `${JSON.stringify(i.input)} is not a whole number` })
    .min(min, { error: (i) => `${JSON.stringify(i.input)} is out of range ${min}..${max}${unit}` })
    .max(max, { error: (i) => `${JSON.stringify(i.input)} is out of range ${min}..${max}${unit}` });

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (i) =>
      `${JSON.stringify(i.input)} is not one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  });

export const STREAM_MODES = ['provisioned', 'on-demand'] as const;
export const COMPRESSIONS = ['GZIP', 'UNCOMPRESSED', 'Snappy', 'ZIP', 'HADOOP_SNAPPY'] as const;
/** The producer's source names, from its environment contract (config/producer-env.ts). */
export { PRODUCER_SOURCES };
export const UBUNTU_RELEASES = ['22.04', '24.04'] as const;

const streamSchema = z
  .strictObject({
    /** @default "provisioned" */
    mode: enumOf(STREAM_MODES).default('provisioned'),
    /** Shards of a provisioned stream. @default 1 */
    shards: intIn(1, 64).optional(),
    /** Retention in hours. @default 24 */
    retentionHours: intIn(24, 8760, ' hours').default(24),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'on-demand' && s.shards !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shards'],
        input: s.shards,
        message: `${s.shards} cannot be set with mode "on-demand" (AWS scales on-demand streams itself)`,
      });
    }
  })
  .transform((s) => ({ ...s, shards: s.mode === 'provisioned' ? (s.shards ?? 1) : undefined }));

const deliverySchema = z.strictObject({
  /** Firehose buffering interval. @default 60 */
  bufferSeconds: intIn(0, 900, ' seconds').default(60),
  /** Firehose buffering size. @default 5 */
  bufferMiB: intIn(1, 128, ' MiB').default(5),
  /** Compression of objects written to S3. @default "GZIP" */
  compression: enumOf(COMPRESSIONS).default('GZIP'),
  /** Days before data-lake objects expire. @default 30 */
  expireDays: intIn(1, 3650, ' days').default(30),
});

const producerSchema = z.strictObject({
  /** Where posts come from. @default "bluesky" */
  source: enumOf(PRODUCER_SOURCES).default('bluesky'),
  /** Hashtag to follow, with or without "#". @default "#COVID_19" */
  hashtag: z
    .string({ error: 'must be a string' })
    .regex(/^#?[\p{L}\p{N}_]{1,100}$/u, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not a hashtag (letters, digits and "_", optionally starting with "#")`,
    })
    .default('#COVID_19'),
  /** Place keyword, as in the course (`lima`). @default "lima" */
  location: z
    .string({ error: 'must be a string' })
    .max(100, { error: (i) => `${JSON.stringify(i.input)} is longer than 100 characters` })
    .default('lima'),
  /**
   * Records per second for the synthetic and replay sources. Absent, the producer's own
   * default applies (its environment contract): 10 for synthetic, unpaced for replay.
   */
  rate: z
    .number({ error: 'must be a number' })
    .positive({ error: (i) => `${JSON.stringify(i.input)} must be greater than 0` })
    .max(100000, {
      error: (i) => `${JSON.stringify(i.input)} is above the limit of 100000 records/s`,
    })
    .optional(),
});

const searchSchema = z.strictObject({
  /** Adds the S3 → Lambda → OpenSearch indexer. @default false */
  enabled: z.boolean({ error: 'must be true or false' }).default(false),
  /** OpenSearch instance type of the one-node domain. @default "t3.small.search" */
  instanceType: z
    .string({ error: 'must be a string such as "t3.small.search"' })
    .regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+\.search$/, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not an OpenSearch instance type such as "t3.small.search"`,
    })
    .default('t3.small.search'),
  /**
   * Concurrent indexer invocations reserved for (and capped at) this number. Unset: not
   * reserved, since a reservation needs the account's unreserved concurrency to stay at
   * 100 or more after it, and new or student accounts often have a quota of 10 or 50.
   * Set it (2 suits a one-node t3.small domain) on an account with room. @default unset
   */
  reservedConcurrency: z
    .number({ error: 'must be a whole number such as 2' })
    .int({ error: (i) => `${JSON.stringify(i.input)} is not a whole number` })
    .positive({ error: (i) => `${JSON.stringify(i.input)} must be 1 or more` })
    .optional(),
});

/**
 * Who may assume the per-student reader roles: an IAM role ARN (a Databricks cluster's
 * instance-profile role, a service credential's role), an account ARN ("…:root") or a
 * 12-digit account id (any principal of that account its own IAM policies allow).
 */
export const READER_PRINCIPAL =
  /^(\d{12}|arn:aws(-[a-z]+)*:iam::\d{12}:(root|role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}))$/;

// Each student's sts:ExternalId is generated (labs/local-state/reader-external-ids.ts): one id
// shared by the class let any student assume any other's reader role.
const consumerSchema = z.strictObject({
  /** Principal that may assume each student's reader role (role/account ARN or account id). */
  readerPrincipal: z
    .string({
      error: 'must be a string such as "arn:aws:iam::123456789012:role/databricks-cluster"',
    })
    .regex(READER_PRINCIPAL, {
      error: (i) =>
        `${JSON.stringify(i.input)} is not an IAM role ARN, account ARN ("arn:aws:iam::<12 digits>:root") or 12-digit account id`,
    }),
  /** Refused (value not shown): the ids are per student now, generated by `streamlab up`. */
  externalId: z
    .never({
      error:
        'is no longer set in the config: streamlab gives each student their own generated external id (remove this key; docs/configuration.md)',
    })
    .optional(),
});

/** Compressions the indexer can read (functions/indexer refuses the others). */
export const SEARCHABLE_COMPRESSIONS: readonly string[] = ['GZIP', 'UNCOMPRESSED'];

export const POLICY_RULE = /^CKV2?_AWS_\d+$/;

const waiverSchema = z.strictObject({
  rule: z.string({ error: 'must be a string' }).regex(POLICY_RULE, {
    error: (i) => `${JSON.stringify(i.input)} is not a rule id such as "CKV_AWS_24"`,
  }),
  resource: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must name a resource path, e.g. "lab/Student-lab/Host/Instance"' }),
  reason: z.string({ error: 'must be a string' }).refine((r) => r.trim().length >= 10, {
    error: (i) =>
      `${JSON.stringify(i.input)} is too short: say why the rule is waived (≥ 10 characters)`,
  }),
});

/**
 * A student's own OpenSSH public key, one line, checked by decoding it; kept as
 * `<type> <base64>` (its comment dropped), which is what reaches their host.
 */
const studentPublicKey = z
  .string({ error: 'must be an OpenSSH public key, as in a .pub file' })
  .transform((text, ctx) => {
    const key = parseStudentPublicKey(text);
    if ('problem' in key) {
      ctx.addIssue({ code: 'custom', input: '(the key)', message: key.problem });
      return z.NEVER;
    }
    return `${key.type} ${key.blob}`;
  });

/** A student: a name, or a name and their own public key. */
const studentEntry = z.union(
  [
    dnsName(MAX_STUDENT_LENGTH),
    z.strictObject({ name: dnsName(MAX_STUDENT_LENGTH), publicKey: studentPublicKey }),
  ],
  { error: 'must be a name, or a mapping with name and publicKey' },
);

export const labConfigSchema = z
  .strictObject({
    /** Lab or classroom name; also the stack id and a prefix of every resource name. */
    name: dnsName(MAX_NAME_LENGTH).superRefine((name, ctx) => {
      const problem = reservedNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', input: name, message: problem });
    }),
    /** AWS region, e.g. "us-east-1". */
    region: z.string({ error: 'must be a string such as "us-east-1"' }).regex(REGION, {
      error: (i) => `${JSON.stringify(i.input)} is not an AWS region such as "us-east-1"`,
    }),
    /** Who may reach the hosts on port 22. */
    operatorCidr: cidr,
    /** Permits operatorCidr 0.0.0.0/0. @default false */
    allowOpenSsh: z.boolean({ error: 'must be true or false' }).default(false),
    /**
     * One host per student; absent = one host named "lab". An entry is a name, or
     * `{ name, publicKey }` to let the student log in with their own key. Read the names
     * with `hostNames` and a key with `studentPublicKey` (config/hosts.ts).
     */
    students: z
      .array(studentEntry, { error: 'must be a list of names' })
      .min(1, { error: 'must list at least one student, or be left out for a single host "lab"' })
      .max(MAX_STUDENTS, { error: `lists more than ${MAX_STUDENTS} students` })
      .superRefine((entries, ctx) => {
        const seen = new Set<string>();
        entries.forEach((e, i) => {
          const n = typeof e === 'string' ? e : e.name;
          if (seen.has(n)) {
            ctx.addIssue({
              code: 'custom',
              path: [i],
              input: n,
              message: `${JSON.stringify(n)} is listed twice`,
            });
          }
          seen.add(n);
        });
      })
      .default(['lab']),
    /** EC2 instance type. @default "t3.micro" */
    instanceType: z
      .string({ error: 'must be a string such as "t3.micro"' })
      .regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, {
        error: (i) => `${JSON.stringify(i.input)} is not an EC2 instance type such as "t3.micro"`,
      })
      .default('t3.micro'),
    /** Ubuntu LTS release of the hosts. @default "24.04" */
    ubuntu: enumOf(UBUNTU_RELEASES).default('24.04'),
    /** Folder of the SSH key pairs, one "<host>.pub" per host under "<keysDir>/<name>/". @default ".streamlab/keys" */
    keysDir: z.string({ error: 'must be a path' }).min(1).default(`${LOCAL_STATE_DIR}/keys`),
    stream: streamSchema.prefault({}),
    delivery: deliverySchema.prefault({}),
    producer: producerSchema.prefault({}),
    search: searchSchema.prefault({}),
    /**
     * The Spark notebook's reader roles: with this set, each student gets an IAM role
     * `readerPrincipal` may assume with that student's own generated external id, allowed
     * to read only that student's stream. Absent = no reader roles.
     */
    consumer: consumerSchema.optional(),
    /**
     * What provisioning does on every host: the lab's role, the operator's own tasks, or
     * both (docs: "Your own host tasks"). @default the lab's role only
     */
    hosts: hostsSchema.prefault({}),
    /**
     * When the class ends: AWS stops every instance of the lab then (an EventBridge
     * Scheduler schedule; `streamlab extend` moves it). Absent = no end is enforced.
     */
    class: classSchema.optional(),
    policy: z.strictObject({ waivers: z.array(waiverSchema).default([]) }).prefault({}),
    /**
     * Remote Terraform state for teams: an S3 bucket with S3-native locking (a lock file
     * beside the state; Terraform ≥ 1.10 / OpenTofu ≥ 1.10). Absent = local state in the stack dir.
     */
    backend: z
      .strictObject({
        bucket: z
          .string({ error: 'must be a bucket name' })
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
            error: (i) => `${JSON.stringify(i.input)} is not an S3 bucket name`,
          }),
        /** @default "streamlab/<name>/terraform.tfstate" */
        key: z.string({ error: 'must be a string' }).min(1).optional(),
        /** @default the lab's region */
        region: z
          .string({ error: 'must be a string' })
          .regex(REGION, {
            error: (i) => `${JSON.stringify(i.input)} is not an AWS region such as "us-east-1"`,
          })
          .optional(),
      })
      .optional(),
    /**
     * Rehearse the AWS path on this machine: the same stack, terraform and provider against
     * moto on loopback, with a local test host standing in for each instance (docs:
     * "Rehearse without AWS"). Absent = the real AWS.
     */
    rehearsal: z
      .strictObject({
        /** A moto the operator runs; absent = streamlab starts and stops its own. */
        endpoint: z
          .string({ error: 'must be a URL such as "http://127.0.0.1:5000"' })
          .refine((v) => LOOPBACK_URL.test(v), {
            error: (i) =>
              `${JSON.stringify(i.input)} is not an http URL on loopback such as "http://127.0.0.1:5000" (a rehearsal never sends anything off this machine)`,
          })
          .optional(),
      })
      .optional(),
    /** Extra tags on every resource. @default {} */
    tags: z
      .record(z.string(), z.string({ error: 'tag values must be strings' }))
      .superRefine((tags, ctx) => {
        for (const [key, value] of Object.entries(tags)) {
          for (const message of tagProblems(key, value)) {
            ctx.addIssue({ code: 'custom', path: [key], input: value, message });
          }
        }
        const tooMany = tagCountProblem(Object.keys(tags));
        if (tooMany) ctx.addIssue({ code: 'custom', input: tags, message: tooMany });
      })
      .default({}),
  })
  .superRefine((c, ctx) => {
    if (c.operatorCidr === '0.0.0.0/0' && !c.allowOpenSsh) {
      ctx.addIssue({
        code: 'custom',
        path: ['operatorCidr'],
        input: c.operatorCidr,
        message:
          '"0.0.0.0/0" opens SSH to the whole internet; use your own address (e.g. "203.0.113.7/32") or set allowOpenSsh: true',
      });
    }
    if (c.stream.mode === 'on-demand' && c.students.length > ON_DEMAND_STREAM_QUOTA) {
      ctx.addIssue({
        code: 'custom',
        path: ['stream', 'mode'],
        input: c.stream.mode,
        message: `"on-demand" gives each of the ${c.students.length} students a stream, but an AWS account holds ${ON_DEMAND_STREAM_QUOTA} on-demand streams per region by default; use mode "provisioned" or split the class into labs of at most ${ON_DEMAND_STREAM_QUOTA}`,
      });
    }
    if (c.rehearsal && c.search.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'enabled'],
        input: c.search.enabled,
        message:
          "a rehearsal cannot create the search domain (moto's OpenSearch domain never finishes creating); leave search.enabled out",
      });
    }
    if (c.rehearsal && c.class?.budget) {
      ctx.addIssue({
        code: 'custom',
        path: ['class', 'budget'],
        input: c.class.budget.amount,
        message:
          "a rehearsal cannot create the budget (moto's Budgets answers the provider's read of a budget's notifications with an error, and the apply waits on it until it times out); leave class.budget out",
      });
    }
    if (c.rehearsal && c.backend) {
      ctx.addIssue({
        code: 'custom',
        path: ['backend'],
        input: c.backend.bucket,
        message:
          'a rehearsal keeps its state locally (the emulator forgets everything when it stops); leave backend out',
      });
    }
    if (c.search.enabled && !SEARCHABLE_COMPRESSIONS.includes(c.delivery.compression)) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', 'compression'],
        input: c.delivery.compression,
        message: `${JSON.stringify(c.delivery.compression)} cannot be read by the search indexer (search.enabled: true); use "GZIP" or "UNCOMPRESSED"`,
      });
    }
  });

/** The config as written (defaults optional). */
export type LabConfigInput = z.input<typeof labConfigSchema>;
/** The config after defaults: what every module consumes. */
export type LabConfig = z.output<typeof labConfigSchema>;
export type Waiver = LabConfig['policy']['waivers'][number];
