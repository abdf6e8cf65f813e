/**
 * A rehearsal (config `rehearsal:`): the lab's own commands against moto on loopback. The
 * emulator outlives each command (it holds what `up` applied until `down`), so its PID and
 * port are kept in .streamlab/<lab>/rehearsal/moto.json; every command of a rehearsed lab
 * enters the rehearsal first, which points terraform and the AWS SDK at the emulator and
 * never at an account: the operator's AWS profile and credentials are replaced in this
 * process's environment, and terraform installs the provider from a filesystem mirror only.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import { labStateDir } from '../local-state/paths';
import type { Reporter } from '../progress';
import { stopHostsEndpoint } from './hosts-endpoint';
import { isOurMoto, spawnMoto, stopMoto, type MotoRecord } from './moto';
import { mirroredVersions, mirrorRoots, writeMirrorCliConfig } from './provider-mirror';

/** What moto cannot do, said when a rehearsal starts: each is worked around or skipped. */
export const EMULATOR_LIMITS: readonly string[] = [
  'instances never boot: a local test host stands in for each (its SSH host key in the console output, its address in DescribeInstances)',
  'no detailed monitoring (MonitorInstances): the rehearsal turns it off',
  'one hostname for every bucket: S3 is addressed path-style',
  'Service Quotas knows only VPC quotas: the vCPU check is a warning, not a check',
  'Kinesis keeps no stream tags: each `up` puts them back (one in-place update)',
  "the stand-ins reach no network but the apt proxy and moto's Kinesis: the producers run the synthetic source",
  "moto checks no IAM policy: each stand-in writes through its own port on a Kinesis gate, which passes its producer's calls on its own stream only (on AWS, the host's role)",
  "Firehose never reads a Kinesis stream: nothing reaches the lake, and `check`'s LAKE stays FAIL",
  'Lambda functions are stored, never run; no OpenSearch domain finishes creating (search stays off)',
  "everything lives in the emulator's memory: when it stops, what was applied is gone",
];

export interface Rehearsal {
  /** The AWS API endpoint: moto's. */
  readonly endpoint: string;
  /** Our own moto, when streamlab started it (absent: the operator's `rehearsal.endpoint`). */
  readonly moto?: MotoRecord;
  /** Where the rehearsal keeps its files (moto's record and log, the terraform CLI config). */
  readonly dir: string;
}

export const rehearsalDir = (labName: string, baseDir?: string) =>
  join(labStateDir(labName, baseDir), 'rehearsal');

const recordPath = (dir: string) => join(dir, 'moto.json');

function readMoto(dir: string): MotoRecord | undefined {
  const file = recordPath(dir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MotoRecord) : undefined;
}

export interface EnterOptions {
  /** Start moto when it is not running (plan, up); other commands need it running. */
  readonly start: boolean;
  readonly reporter: Reporter;
  readonly baseDir?: string;
  /** Changed in place: terraform's children and the AWS SDK read it. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Enters the rehearsal of a lab whose config has `rehearsal:`; starts moto if asked to. */
export async function enterRehearsal(config: LabConfig, opts: EnterOptions): Promise<Rehearsal> {
  if (!config.rehearsal)
    throw new Error(`${config.name} is not a rehearsal (no rehearsal: section)`);
  const r = opts.reporter;
  const dir = rehearsalDir(config.name, opts.baseDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mirrors = mirroredVersions();
  if (mirrors.length === 0) {
    throw new OperationalError(
      `a rehearsal needs the hashicorp/aws provider in a terraform filesystem mirror; none holds it (looked in ${mirrorRoots().join(', ')})`,
      {
        hint: 'put it in one (`terraform providers mirror DIR` on a machine with registry access) and set STREAMLAB_TF_MIRROR=DIR',
      },
    );
  }
  let moto: MotoRecord | undefined;
  let endpoint = config.rehearsal.endpoint?.replace(/\/$/, '');
  if (!endpoint) {
    moto = readMoto(dir);
    if (!isOurMoto(moto)) {
      if (!opts.start) {
        throw new OperationalError(
          `the rehearsal of ${config.name} is not running: its emulator (moto) is stopped, and with it whatever was applied`,
          { hint: 'run `streamlab up` to start the rehearsal again' },
        );
      }
      moto = await spawnMoto(dir, join(dir, 'moto.log'));
      writeFileSync(recordPath(dir), `${JSON.stringify(moto, null, 2)}\n`, { mode: 0o600 });
      r.line('rehearsal', `started moto ${moto.version} (pid ${moto.pid}) at ${moto.endpoint}`);
      r.line('rehearsal', 'what the emulator cannot do, and what the rehearsal does instead:');
      for (const limit of EMULATOR_LIMITS) r.line('rehearsal', `  - ${limit}`);
    }
    endpoint = moto!.endpoint;
  }
  pointAtEmulator(opts.env ?? process.env, {
    endpoint,
    region: config.region,
    cliConfig: writeMirrorCliConfig(dir, [...new Set(mirrors.map((m) => m.root))]),
    emptyAwsConfig: emptyFile(join(dir, 'aws-config')),
  });
  r.line('rehearsal', `AWS is moto at ${endpoint}; hashicorp/aws from ${mirrors[0]!.root}`);
  return { endpoint, dir, ...(moto ? { moto } : {}) };
}

function emptyFile(path: string): string {
  writeFileSync(path, '', { mode: 0o600 });
  return path;
}

/**
 * The environment that sends terraform (provider 5.100+ reads AWS_ENDPOINT_URL) and the
 * AWS SDK to the emulator, with its fixed credentials; no profile or credential of the
 * machine's user stays in it.
 */
export function pointAtEmulator(
  env: NodeJS.ProcessEnv,
  to: { endpoint: string; region: string; cliConfig: string; emptyAwsConfig: string },
): void {
  for (const k of Object.keys(env))
    if (/^AWS_(PROFILE|DEFAULT_PROFILE|SESSION_TOKEN|ENDPOINT_URL_.*)$/.test(k)) delete env[k];
  Object.assign(env, {
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: to.cliConfig,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: to.region,
    AWS_CONFIG_FILE: to.emptyAwsConfig,
    AWS_SHARED_CREDENTIALS_FILE: to.emptyAwsConfig,
    AWS_ENDPOINT_URL: to.endpoint,
  });
}

/** Stops the hosts' Kinesis gate and our moto (a no-op for the operator's own), and forgets them. */
export async function leaveRehearsal(rehearsal: Rehearsal): Promise<void> {
  await stopHostsEndpoint(rehearsal.dir);
  await stopMoto(rehearsal.moto);
  rmSync(recordPath(rehearsal.dir), { force: true });
}
