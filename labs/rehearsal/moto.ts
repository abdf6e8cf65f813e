/**
 * moto, an AWS API emulator, as a server on loopback on a free port (moto's own server
 * behind one lock, serial-moto.py: moto's backends are not thread-safe), either for one process's lifetime (startMoto: a test suite, a
 * benchmark) or detached for a rehearsed lab that outlives each command (spawnMoto), and
 * stopped by its PID after /proc says it is still that moto on that port. moto may live in
 * a pyenv python3 rather than Debian's /usr/bin/python3: both are tried.
 */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OperationalError } from '../../config/errors';
import { runSync, sleep, start, startDetached } from '../../process/run';
import { processAlive, processWithArgv, stopProcessWithArgv } from '../../testhost/state';

/** Interpreters that may hold moto, the pyenv one first (Debian's lacks it). */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.STREAMLAB_MOTO_PYTHON ? [env.STREAMLAB_MOTO_PYTHON] : []),
    join(env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'shims', 'python3'),
    'python3',
  ];
}

/** The first interpreter that imports moto, with moto's version. */
export function findMotoPython(): { python: string; version: string } | undefined {
  for (const python of pythonCandidates()) {
    let r;
    try {
      // As long as moto's start is given (see answers): the import is most of it.
      r = runSync([python, '-c', 'import moto; print(moto.__version__)'], {
        allowFailure: true,
        timeout: 90_000,
      });
    } catch {
      continue; // not installed, or it hung
    }
    if (r.code === 0) return { python, version: r.stdout.trim() };
  }
  return undefined;
}

export function missingMotoMessage(): string {
  return (
    `moto is not installed: none of ${pythonCandidates().join(', ')} imports it ` +
    '(pip install "moto[server]", or set STREAMLAB_MOTO_PYTHON)'
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** An image in moto's catalogue: the fields moto's AMI loader reads. */
export interface MotoImage {
  readonly ami_id: string;
  readonly name: string;
  readonly owner_id: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly creation_date: string;
}

/**
 * Canonical's current Ubuntu images as the stack's AMI filter finds them (moto's own
 * catalogue stops at 16.04): 22.04 and 24.04, amd64 and arm64.
 */
export function ubuntuImages(date = '2026-01-15'): MotoImage[] {
  const stamp = date.replace(/-/g, '');
  const images: MotoImage[] = [];
  let n = 0;
  for (const [release, codename, disk] of [
    ['22.04', 'jammy', 'hvm-ssd'],
    ['24.04', 'noble', 'hvm-ssd-gp3'],
  ] as const) {
    for (const [arch, ec2Arch] of [
      ['amd64', 'x86_64'],
      ['arm64', 'arm64'],
    ] as const) {
      images.push({
        ami_id: `ami-0${(++n).toString(16).padStart(16, '0')}`,
        name: `ubuntu/images/${disk}/ubuntu-${codename}-${release}-${arch}-server-${stamp}`,
        owner_id: '099720109477',
        architecture: ec2Arch,
        creation_date: `${date}T00:00:00.000Z`,
      });
    }
  }
  return images;
}

export interface RunningMoto {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  /** Everything moto printed (requests, tracebacks), for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Directory for the AMI list. */
  readonly workDir: string;
  readonly images?: readonly MotoImage[];
}

/** Writes moto's AMI catalogue into workDir; returns the file for MOTO_AMIS_PATH. */
function writeAmis(workDir: string, images?: readonly MotoImage[]): string {
  const amisPath = join(workDir, 'moto-amis.json');
  writeFileSync(
    amisPath,
    JSON.stringify(
      (images ?? ubuntuImages()).map((i) => ({
        ...i,
        state: 'available',
        public: true,
        image_location: `amazon/${i.name}`,
        root_device_type: 'ebs',
        root_device_name: '/dev/sda1',
        image_type: 'machine',
        virtualization_type: 'hvm',
        hypervisor: 'xen',
        description: `Canonical, ${i.name}`,
      })),
    ),
  );
  return amisPath;
}

/** moto's server answering one request at a time (see the file for why). */
const SERIAL_MOTO = join(__dirname, 'serial-moto.py');

const motoArgv = (python: string, port: number) => [python, SERIAL_MOTO, '127.0.0.1', String(port)];

/**
 * Resolves when moto answers on endpoint; false when `alive` says it died first. Importing
 * moto alone took 12 s on this 2-core machine at load 60: 90 s leaves room for worse.
 */
async function answers(endpoint: string, alive: () => boolean, ms = 90_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return false;
}

export async function startMoto(opts: StartMotoOptions): Promise<RunningMoto> {
  const found = findMotoPython();
  if (!found) throw new OperationalError(missingMotoMessage());
  const amisPath = writeAmis(opts.workDir, opts.images);
  const port = await freePort();
  // moto logs every request: keep the newest lines only.
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(`${line}\n`);
    if (output.length > 500) output.splice(0, output.length - 500);
  };
  const child = start(motoArgv(found.python, port), {
    env: { ...process.env, MOTO_AMIS_PATH: amisPath },
    onLine: keep,
  });
  let running = true;
  const settle = () => void (running = false);
  const exited = child.exited.then(settle, settle);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (running) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (running) child.kill('SIGKILL');
    }
  };
  if (!(await answers(endpoint, () => running))) {
    await stop();
    throw new OperationalError(`moto did not start on ${endpoint}:\n${output.join('')}`);
  }
  return {
    endpoint,
    port,
    pid: child.pid!,
    version: found.version,
    log: () => output.join(''),
    stop,
  };
}

/** A detached moto: what later commands need to find it, reach it and stop it. */
export interface MotoRecord {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  readonly version: string;
  readonly log: string;
}

/** True when PID is still our moto on this port (not a PID the kernel reused). */
export function isOurMoto(record: Pick<MotoRecord, 'pid' | 'port'> | undefined): boolean {
  return !!record && processWithArgv(record.pid, SERIAL_MOTO, String(record.port));
}

/**
 * moto as a detached process that outlives the command, its output in `log`. It gets
 * PATH and HOME only: nothing of the operator's environment (AWS credentials, tokens).
 */
export async function spawnMoto(workDir: string, log: string): Promise<MotoRecord> {
  const found = findMotoPython();
  if (!found) throw new OperationalError(missingMotoMessage());
  const amisPath = writeAmis(workDir);
  const port = await freePort();
  const fd = openSync(log, 'a', 0o600);
  let pid: number;
  try {
    pid = startDetached(motoArgv(found.python, port), {
      logFd: fd,
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/',
        ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
        MOTO_AMIS_PATH: amisPath,
      },
    });
  } finally {
    closeSync(fd);
  }
  const record: MotoRecord = {
    pid,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    version: found.version,
    log,
  };
  if (!(await answers(record.endpoint, () => processAlive(pid)))) {
    await stopMoto(record);
    throw new OperationalError(`moto did not start on ${record.endpoint}; its output is in ${log}`);
  }
  return record;
}

/** Ends a detached moto (SIGTERM, SIGKILL after 5 s); a no-op when it is gone. */
export async function stopMoto(record: MotoRecord | undefined): Promise<void> {
  if (record) await stopProcessWithArgv(record.pid, SERIAL_MOTO, String(record.port));
}
