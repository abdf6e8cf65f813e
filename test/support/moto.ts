/**
 * moto, an AWS API emulator, as a server on loopback for the duration of a suite:
 * `python3 -m moto.server -H 127.0.0.1 -p PORT`, started on a free port and stopped by
 * its PID. moto lives in the image's default python3 (pyenv), not Debian's /usr/bin/python3.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runSync, start } from '../../process/run';

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
      r = runSync([python, '-c', 'import moto; print(moto.__version__)'], {
        allowFailure: true,
        timeout: 30_000,
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

export async function startMoto(opts: StartMotoOptions): Promise<RunningMoto> {
  const found = findMotoPython();
  if (!found) throw new Error(missingMotoMessage());
  const amisPath = join(opts.workDir, 'moto-amis.json');
  writeFileSync(
    amisPath,
    JSON.stringify(
      (opts.images ?? ubuntuImages()).map((i) => ({
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
  const port = await freePort();
  // moto logs every request: keep the newest lines only.
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(`${line}\n`);
    if (output.length > 500) output.splice(0, output.length - 500);
  };
  const child = start([found.python, '-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
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
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running) throw new Error(`moto exited at start:\n${output.join('')}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto did not answer on ${endpoint} within 30 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
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
