/**
 * Everything a suite needs to run the real `streamlab` CLI against an emulated AWS: moto
 * on loopback, the EC2 host stand-in in front of it, the real hashicorp/aws provider from
 * the filesystem mirror, and the environment that points terraform and the AWS SDK there.
 *
 * describeWith(missingForEmulator) skips on a machine without terraform, the mirror or
 * moto, and fails under CI=true naming which one is missing.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isRoot } from './root';
import { cleanUpEach } from './clean-up';
import { rehearsalDir } from '../../labs/rehearsal/session';
import { rehearsalRunDir } from '../../labs/rehearsal/stand-ins';
import { join } from 'node:path';
import { run, runSync, type RunResult } from '../../process/run';
import { which } from '../../process/which';
import {
  startHostStandIn,
  type HostStandIn,
  type RunningStandIn,
} from '../../labs/rehearsal/host-stand-in';
import {
  findMotoPython,
  isOurMoto,
  missingMotoMessage,
  startMoto,
  type MotoRecord,
  type RunningMoto,
} from '../../labs/rehearsal/moto';
import {
  findProviderMirror,
  missingMirrorMessage,
  writeMirrorCliConfig,
} from '../../labs/rehearsal/provider-mirror';

export const ROOT = join(__dirname, '..', '..');
export const STREAMLAB_BIN = join(ROOT, 'scripts', 'streamlab.js');

/** What is missing for the emulator suites on this machine ([] = everything is here). */
export function missingForEmulator(): string[] {
  const missing: string[] = [];
  if (!which('terraform')) missing.push('terraform is not on PATH');
  if (!findProviderMirror()) missing.push(missingMirrorMessage());
  if (!findMotoPython()) missing.push(missingMotoMessage());
  return missing;
}

/** What a rehearsal through the CLI needs besides the emulator: root for its stand-in host. */
export function missingForRehearsal(): string[] {
  return [
    ...missingForEmulator(),
    ...(isRoot ? [] : ['root (the stand-in host is a systemd-nspawn test host)']),
  ];
}

/**
 * After a suite that ran a rehearsal through the CLI, whatever a failed step left: the
 * CLI's moto (by its record, when it is still ours) and the stand-in test hosts.
 */
export async function endRehearsal(lab: string, baseDir: string, runDir: string): Promise<void> {
  const record = join(rehearsalDir(lab, baseDir), 'moto.json');
  const testhost = require('../../testhost/api') as typeof import('../../testhost/api');
  await cleanUpEach([
    [
      'moto',
      () => {
        if (!existsSync(record)) return;
        const moto = JSON.parse(readFileSync(record, 'utf8')) as MotoRecord;
        if (isOurMoto(moto)) process.kill(moto.pid, 'SIGTERM');
      },
    ],
    ['the stand-ins', () => testhost.hostDownAll({ runDir: rehearsalRunDir(lab, runDir) })],
  ]);
}

/**
 * A rehearsal suite's set-up and tear-down, registered in the calling describe(): a config
 * for `lab` in `baseDir` (rehearsal on, a private operatorCidr, and `moreConfig`'s lines);
 * afterwards endRehearsal, `report()` (the suite's figures), and `baseDir` removed.
 */
export function rehearsalSuite(
  lab: string,
  baseDir: string,
  runDir: string,
  report: () => void,
  moreConfig = '',
): void {
  beforeAll(() => {
    writeFileSync(
      join(baseDir, 'streamlab.yaml'),
      `name: ${lab}\nregion: us-east-1\noperatorCidr: 10.20.30.0/24\nrehearsal: {}\n${moreConfig}`,
    );
  });
  afterAll(async () => {
    // Whatever a failed step left: the CLI's moto (by its record) and our stand-ins.
    await cleanUpEach([
      ['the rehearsal', () => endRehearsal(lab, baseDir, runDir)],
      ["the suite's figures", report],
      ['the lab dir', () => rmSync(baseDir, { recursive: true, force: true })],
    ]);
  });
}

/** What a suite with moto alone is missing ([] = it is here). */
export const missingMoto = (): string[] => (findMotoPython() ? [] : [missingMotoMessage()]);

/** describe() when terraform, the mirror and moto are here; else a skip, or a failure in CI. */
export function describeWith(missing: () => string[]): jest.Describe {
  const absent = missing();
  if (absent.length === 0) return describe;
  if (process.env.CI === 'true') {
    return ((name: string, fn: () => void) =>
      describe(name, () => {
        it('has what it needs (CI=true makes a missing part a failure, not a skip)', () => {
          throw new Error(`cannot run here: ${absent.join('; ')}`);
        });
        void fn;
      })) as unknown as jest.Describe;
  }
  return describe.skip;
}

export interface EmulatedAws {
  readonly moto: RunningMoto;
  readonly standIn: RunningStandIn;
  /** TF_CLI_CONFIG_FILE's value: the mirror, and nothing from a registry. */
  readonly cliConfig: string;
  /** Environment for the CLI and every terraform it runs. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startEmulatedAws(workDir: string, host: HostStandIn): Promise<EmulatedAws> {
  mkdirSync(workDir, { recursive: true });
  const mirror = findProviderMirror();
  if (!mirror) throw new Error(missingMirrorMessage());
  const moto = await startMoto({ workDir });
  const standIn = await startHostStandIn(moto.endpoint, host);
  const cliConfig = writeMirrorCliConfig(workDir, mirror);
  // No profile or credentials of the machine's user may leak into the run.
  const awsConfig = join(workDir, 'aws-config');
  writeFileSync(awsConfig, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: awsConfig,
    // Every service to moto (the AWS SDK and provider 5.100 both read these) …
    AWS_ENDPOINT_URL: moto.endpoint,
    // … except the CLI's EC2, which goes through the host stand-in (terraform's EC2 is
    // sent to moto directly by the stack override, see emulatorProvider).
    AWS_ENDPOINT_URL_EC2: standIn.endpoint,
  };
  for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete env[k];
  return {
    moto,
    standIn,
    cliConfig,
    env,
    stop: async () => {
      await standIn.close();
      await moto.stop();
    },
  };
}

export interface CliResult extends RunResult {
  readonly ms: number;
}

/** The `streamlab` bin as a child process (asynchronous: moto answers meanwhile). */
export async function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CliResult> {
  const started = Date.now();
  const r = await run([process.execPath, STREAMLAB_BIN, ...args], {
    cwd,
    env,
    allowFailure: true,
  });
  return { ...r, ms: Date.now() - started };
}

/** The SHA256 fingerprint of a public key file, as `ssh-keygen -l` prints it. */
export function fingerprintOf(publicKeyFile: string): string {
  const r = runSync(['ssh-keygen', '-l', '-E', 'sha256', '-f', publicKeyFile], {
    allowFailure: true,
  });
  const fp = /SHA256:[A-Za-z0-9+/]+/.exec(r.stdout)?.[0];
  if (!fp) throw new Error(`ssh-keygen -l ${publicKeyFile}: ${r.stderr || r.stdout}`);
  return fp;
}

/** A fresh ed25519 host key pair (the stand-in's "host key"); returns the public key file. */
export function makeHostKey(dir: string): string {
  const key = join(dir, 'standin_host_ed25519');
  const r = runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'standin', '-f', key], {
    allowFailure: true,
  });
  if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  return `${key}.pub`;
}
