/**
 * The Debian packages the offline lab (and the test suite) need on this machine, and the
 * one installer for them: `apt-get update` once, then `apt-get install` of what is missing,
 * saying what and why first. Decisions are pure (planInstall) so they are tested without
 * touching the machine; installPackages only runs what the plan says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { InputError, OperationalError } from '../config/errors';
import { run as runProgram, runAttached } from '../process/run';
import { which } from '../process/which';

export interface DebianPackage {
  readonly name: string;
  /** Why the lab needs it, printed before installing it. */
  readonly why: string;
}

/** What `streamlab lab up` needs: test hosts (nspawn in a netns), their image and apt cache. */
export const LAB_PACKAGES: readonly DebianPackage[] = [
  { name: 'debootstrap', why: 'builds the Debian 12 image the test hosts boot from' },
  { name: 'systemd-container', why: 'systemd-nspawn boots each test host' },
  { name: 'iproute2', why: 'ip makes the network namespace and veth pair of each host' },
  { name: 'openssh-client', why: "ssh-keygen makes the hosts' keys; ssh reaches the hosts" },
  {
    name: 'apt-cacher-ng',
    why: 'the apt cache the hosts, which have no Internet, install through',
  },
  { name: 'zstd', why: 'compresses the cached image' },
];

/** What `npm test` needs besides the lab's: the producer and its tests run on Debian's Python. */
export const TEST_PACKAGES: readonly DebianPackage[] = [
  ...LAB_PACKAGES,
  { name: 'python3', why: 'the producer and its tests (Debian Python, no PyPI)' },
  { name: 'python3-venv', why: "the producer's venv, as on the hosts" },
  { name: 'python3-boto3', why: "the producer's Kinesis client" },
  { name: 'python3-pytest', why: "the producer's and the notebook's tests" },
  { name: 'python3-websockets', why: "the producer's Bluesky source" },
  { name: 'python3-tweepy', why: "the producer's X source" },
  {
    name: 'python3-sqlglot',
    why: "reads the notebook's Spark SQL as Spark's dialect (no Spark runs here)",
  },
  { name: 'awscli', why: 'a real AWS client checks what the reader role allows, against moto' },
  {
    name: 'ansible-core',
    why: 'Ansible reads the inventory streamlab writes (ansible all -m ping)',
  },
  {
    name: 'chromium',
    why: "the dashboard's browser test drives Debian's Chromium (playwright-core, no downloaded browser)",
  },
];

/** What the installer knows about this machine. */
export interface Machine {
  readonly platform: string;
  readonly uid: number | undefined;
  /** ID and ID_LIKE of /etc/os-release, e.g. ['ubuntu', 'debian']. */
  readonly distro: readonly string[];
  readonly hasAptGet: boolean;
  /** Which of these packages dpkg has installed. */
  installed(names: readonly string[]): Promise<ReadonlySet<string>>;
}

export type InstallPlan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'refuse'; readonly reason: string; readonly missing: readonly DebianPackage[] }
  | {
      readonly kind: 'install';
      readonly missing: readonly DebianPackage[];
      /** apt-get update once, then one install of everything missing. */
      readonly commands: readonly (readonly string[])[];
    };

export const aptCommands = (names: readonly string[]): string[][] => [
  ['apt-get', 'update'],
  ['apt-get', 'install', '-y', '--no-install-recommends', ...names],
];

/** The command line a person types to install them. */
export const aptCommandLine = (names: readonly string[]): string =>
  aptCommands(names)
    .map((c) => c.join(' '))
    .join(' && ');

const isDebianFamily = (m: Machine) =>
  m.distro.some((d) => d === 'debian' || d === 'ubuntu') && m.hasAptGet;

/** Decides, without changing anything, what installing `wanted` on `machine` takes. */
export async function planInstall(
  machine: Machine,
  wanted: readonly DebianPackage[],
): Promise<InstallPlan> {
  if (machine.platform !== 'linux') {
    return {
      kind: 'refuse',
      missing: wanted,
      reason: `the offline lab needs Linux (network namespaces, systemd-nspawn); this is ${machine.platform}`,
    };
  }
  if (!isDebianFamily(machine)) {
    return {
      kind: 'refuse',
      missing: wanted,
      reason:
        `streamlab installs its packages with apt on Debian or Ubuntu; this is ` +
        `${machine.distro.join('/') || 'an unknown distribution'}${machine.hasAptGet ? '' : ' without apt-get'}: ` +
        `install the equivalents of ${wanted.map((p) => p.name).join(' ')} yourself`,
    };
  }
  const installed = await machine.installed(wanted.map((p) => p.name));
  const missing = wanted.filter((p) => !installed.has(p.name));
  if (missing.length === 0) return { kind: 'nothing' };
  const names = missing.map((p) => p.name);
  if (machine.uid !== 0) {
    return {
      kind: 'refuse',
      missing,
      reason: `installing ${names.join(' ')} needs root: sudo sh -c '${aptCommandLine(names)}'`,
    };
  }
  return { kind: 'install', missing, commands: aptCommands(names) };
}

/** What it installs and why, one package a line. */
export function describeInstall(missing: readonly DebianPackage[]): string {
  const width = Math.max(...missing.map((p) => p.name.length));
  return [
    `installing ${missing.length} Debian package${missing.length === 1 ? '' : 's'} with apt-get:`,
    ...missing.map((p) => `  ${p.name.padEnd(width)}  ${p.why}`),
  ].join('\n');
}

/** Runs a plan's commands, apt's own output going to stderr; throws on the first failure. */
export async function installPackages(
  plan: Extract<InstallPlan, { kind: 'install' }>,
  say: (line: string) => void,
  run: (argv: readonly string[]) => Promise<number> = runInherited,
): Promise<void> {
  say(describeInstall(plan.missing));
  for (const argv of plan.commands) {
    say(`$ ${argv.join(' ')}`);
    const code = await run(argv);
    if (code !== 0) throw new OperationalError(`${argv.join(' ')} failed (exit status ${code})`);
  }
}

async function runInherited(argv: readonly string[]): Promise<number> {
  const { code } = await runAttached(argv, {
    // apt's progress to stderr, so a command's stdout stays its result.
    output: 'stderr',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return code;
}

/** ID and ID_LIKE from os-release text. */
export function distroIds(osRelease: string): string[] {
  const ids: string[] = [];
  for (const line of osRelease.split('\n')) {
    const m = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (m)
      ids.push(
        ...m[2]!
          .replace(/^["']|["']$/g, '')
          .split(/\s+/)
          .filter(Boolean),
      );
  }
  return ids;
}

/** Packages dpkg lists as installed ("ii"), from `dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n'`. */
export function installedFromDpkg(output: string): Set<string> {
  const installed = new Set<string>();
  for (const line of output.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status?.startsWith('ii')) installed.add(name.replace(/:.*$/, ''));
  }
  return installed;
}

export const thisMachine = (): Machine => ({
  platform: process.platform,
  uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  distro: existsSync('/etc/os-release') ? distroIds(readFileSync('/etc/os-release', 'utf8')) : [],
  hasAptGet: which('apt-get', process.env.PATH, { sbinToo: true }) !== undefined,
  async installed(names) {
    // dpkg-query exits 1 when one of the names is unknown to it, and still lists the others.
    const { stdout } = await runProgram(
      ['dpkg-query', '-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names],
      { allowFailure: true },
    ).catch(() => ({ stdout: '' }));
    return installedFromDpkg(stdout);
  },
});

export interface EnsureOptions {
  readonly wanted: readonly DebianPackage[];
  /** Installing was asked for up front (`lab up --install-packages`, `npm start`). */
  readonly install: boolean;
  /** How to run the command again with consent, for the message when there is none. */
  readonly rerun: string;
  readonly say: (line: string) => void;
  readonly machine?: Machine;
  /** Asks on the terminal; undefined when there is none. */
  readonly ask?: ((question: string) => Promise<boolean>) | undefined;
  readonly run?: (argv: readonly string[]) => Promise<number>;
}

/**
 * Installs the missing packages with consent: given up front, or asked on a terminal.
 * Without either, or where it cannot install, it changes nothing and throws an InputError
 * (exit 2) that names the exact command to run.
 */
export async function ensurePackages(o: EnsureOptions): Promise<void> {
  const plan = await planInstall(o.machine ?? thisMachine(), o.wanted);
  if (plan.kind === 'nothing') return;
  const names = plan.missing.map((p) => p.name);
  if (plan.kind === 'refuse') {
    throw new InputError(`missing Debian packages ${names.join(' ')}; ${plan.reason}`);
  }
  let consent = o.install;
  if (!consent && o.ask) {
    o.say(describeInstall(plan.missing).replace(/^installing/, 'missing'));
    consent = await o.ask(`Install ${names.length === 1 ? 'it' : 'them'} now with apt-get?`);
  }
  if (!consent) {
    throw new InputError(
      `missing Debian packages ${names.join(' ')} (nothing was changed); install them with\n` +
        `  ${aptCommandLine(names)}\nor let streamlab do it: ${o.rerun}`,
    );
  }
  await installPackages(plan, o.say, o.run);
}

/** A yes/no question on the terminal, or undefined when stdin or stderr is not one. */
export function terminalAsk(): ((question: string) => Promise<boolean>) | undefined {
  if (!(process.stdin.isTTY && process.stderr.isTTY)) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}
