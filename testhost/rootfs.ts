/**
 * The Debian 12 root file system every test host boots: debootstrapped once from the
 * machine's own mirror, customised to look like an EC2 Ubuntu image, cached as a zstd
 * tarball and unpacked once into a read-only base that hosts overlay. Both are built under
 * a temporary name and renamed, so the cache never holds half a rootfs.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';
import { withLock } from './lock';
import { machineDebianMirror } from './mirror';
import { testhostCacheDir } from './paths';
import { run } from '../process/run';
import { OperationalError } from '../config/errors';

export const SUITE = 'bookworm';

/**
 * What goes into the base. python3-pip/boto3/websockets/tweepy stay out on purpose: the
 * provisioning playbook installs them through the proxy, as on a fresh EC2 host.
 */
export const BASE_PACKAGES = [
  'openssh-server',
  'python3',
  'python3-venv',
  'sudo',
  'systemd',
  'systemd-sysv',
  'dbus',
  'ca-certificates',
  'iproute2',
] as const;

/** Bump when the customisation below changes: a new stamp rebuilds the cache. */
const CUSTOMISATION_VERSION = 1;

export function rootfsStamp(mirror: string): string {
  const recipe = JSON.stringify({
    SUITE,
    BASE_PACKAGES,
    CUSTOMISATION_VERSION,
    mirror,
    variant: 'minbase',
  });
  return createHash('sha256').update(recipe).digest('hex').slice(0, 12);
}

export interface RootfsPaths {
  tarball: string;
  base: string;
}

export function rootfsPaths(stamp: string): RootfsPaths {
  const dir = testhostCacheDir();
  return {
    tarball: join(dir, `rootfs-${SUITE}-${stamp}.tar.zst`),
    base: join(dir, `base-${SUITE}-${stamp}`),
  };
}

type Progress = (msg: string) => void;

/** Files that make the image behave like an EC2 Ubuntu host; host-specific ones come later. */
const IMAGE_FILES: Record<string, { mode: number; text: string }> = {
  // cloud-init writes the same rule for the default user on Ubuntu images.
  'etc/sudoers.d/90-cloud-init-users': { mode: 0o440, text: 'ubuntu ALL=(ALL) NOPASSWD:ALL\n' },
  // Only the ed25519 host key exists (one pinned fingerprint); keys only; no root login.
  'etc/ssh/sshd_config.d/50-streamlab.conf': {
    mode: 0o644,
    text: [
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      'UseDNS no',
      '',
    ].join('\n'),
  },
  // A transient proxy hiccup (e.g. its first start racing apt) should not fail a playbook.
  'etc/apt/apt.conf.d/80-streamlab-retries': { mode: 0o644, text: 'Acquire::Retries "5";\n' },
  // The host has no DNS server to reach; apt resolves names through the proxy.
  'etc/resolv.conf': {
    mode: 0o644,
    text: '# streamlab test host: no resolver (apt goes through the proxy)\n',
  },
  // Empty in the image; every host gets its own at `up`.
  'etc/machine-id': { mode: 0o444, text: '' },
  'etc/hostname': { mode: 0o644, text: 'localhost\n' },
};

async function customise(root: string): Promise<void> {
  await run([
    'chroot',
    root,
    'useradd',
    '--create-home',
    '--shell',
    '/bin/bash',
    '--groups',
    'sudo',
    '--uid',
    '1000',
    'ubuntu',
  ]);
  for (const [rel, f] of Object.entries(IMAGE_FILES)) {
    const path = join(root, rel);
    rmSync(path, { force: true });
    writeFileSync(path, f.text, { mode: f.mode });
    chmodSync(path, f.mode);
  }
  // debootstrap generated host keys once; every host gets its own at `up`.
  const sshDir = join(root, 'etc/ssh');
  for (const f of readdirSync(sshDir)) if (f.startsWith('ssh_host_')) rmSync(join(sshDir, f));
  await run(['chroot', root, 'apt-get', 'clean']);
}

const TAR_FLAGS = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--zstd'];

/**
 * debootstrap's `I: Retrieving libc6 …` lines as progress: a line when its phase changes
 * (downloading, Extracting, Unpacking, Configuring…) and at most one every `everyMs`
 * within a phase, with how many packages the phase has done so far. debootstrap checks
 * each package right after fetching it (`Retrieving apt`, `Validating apt`, `Retrieving
 * base-files`…), so Validating belongs to the download phase and is not counted again.
 */
export function debootstrapProgress(
  progress: Progress,
  everyMs = 5000,
  now: () => number = Date.now,
): (line: string) => void {
  let phase = '';
  let count = 0;
  let last = 0;
  return (line) => {
    const m = /^I: (\w+) (\S+)/.exec(line);
    if (!m) return;
    const [, verb, what] = m as unknown as [string, string, string];
    if (verb === 'Validating' && phase === 'Retrieving') return;
    if (verb !== phase) {
      phase = verb;
      count = 0;
      last = 0;
    }
    count++;
    if (last === 0 || now() - last >= everyMs) {
      last = now();
      progress(`debootstrap: ${verb} ${what} (${count} so far)`);
    }
  };
}

async function build(paths: RootfsPaths, mirror: string, progress: Progress): Promise<void> {
  const dir = testhostCacheDir();
  const work = join(dir, `build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'root'), { recursive: true });
  // Keeps the .debs between builds, so a recipe change does not download them again.
  const debs = join(dir, 'debootstrap-debs');
  mkdirSync(debs, { recursive: true });
  try {
    const root = join(work, 'root');
    progress(`debootstrap ${SUITE} from ${mirror}: downloading and unpacking (once)`);
    await run(
      [
        'debootstrap',
        '--foreign',
        '--variant=minbase',
        `--include=${BASE_PACKAGES.join(',')}`,
        `--cache-dir=${debs}`,
        SUITE,
        root,
        mirror,
      ],
      { onLine: debootstrapProgress(progress) },
    );
    // dpkg fsyncs every file it installs; a build that is thrown away on failure does not
    // need that, and skipping it roughly halves the second stage on a busy disk.
    const unsafeIo = join(root, 'etc/dpkg/dpkg.cfg.d/streamlab-build-unsafe-io');
    writeFileSync(unsafeIo, 'force-unsafe-io\n');
    progress('debootstrap: installing packages');
    await run(['chroot', root, '/debootstrap/debootstrap', '--second-stage'], {
      onLine: debootstrapProgress(progress),
    });
    rmSync(unsafeIo);
    progress('customising the image (user ubuntu, sshd, sudo)');
    await customise(root);
    progress('packing the rootfs tarball');
    const tmpTar = join(work, 'rootfs.tar.zst');
    await run(['tar', ...TAR_FLAGS, '-cpf', tmpTar, '-C', root, '.']);
    renameSync(tmpTar, paths.tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function unpack(paths: RootfsPaths, progress: Progress): Promise<void> {
  progress('unpacking the base for overlay mounts');
  const tmp = `${paths.base}.unpack-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await run(['tar', ...TAR_FLAGS, '-xpf', paths.tarball, '-C', tmp]);
    renameSync(tmp, paths.base);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Bases still lower layers of a mounted host cannot be deleted. */
function basesInUse(): Set<string> {
  const used = new Set<string>();
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const m = /lowerdir=([^,\s]+)/.exec(line);
    if (m) used.add(m[1]!.replace(/\\040/g, ' '));
  }
  return used;
}

function removeStale(keep: RootfsPaths): void {
  const dir = testhostCacheDir();
  const inUse = basesInUse();
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    const leftover = /^build-\d+$/.test(f) || /\.unpack-\d+$/.test(f);
    const oldStamp =
      (/^rootfs-.*\.tar\.zst$/.test(f) || /^base-[^.]+$/.test(f)) &&
      path !== keep.tarball &&
      path !== keep.base;
    if ((leftover || oldStamp) && !inUse.has(path)) rmSync(path, { recursive: true, force: true });
  }
}

export interface EnsureOptions {
  onProgress?: Progress;
  /** Build again even when the cache is current. */
  rebuild?: boolean;
}

/** Tarball and unpacked base for the current recipe, building them if needed. */
export async function ensureBase(opts: EnsureOptions = {}): Promise<RootfsPaths> {
  const progress = opts.onProgress ?? (() => {});
  const mirror = machineDebianMirror(SUITE);
  const paths = rootfsPaths(rootfsStamp(mirror));
  if (!opts.rebuild && existsSync(paths.tarball) && existsSync(paths.base)) return paths;
  mkdirSync(testhostCacheDir(), { recursive: true });
  // One builder at a time; a second process waits, then finds the cache current.
  return withLock(join(testhostCacheDir(), 'rootfs.lock'), async () => {
    removeStale(paths);
    if (opts.rebuild) {
      if (basesInUse().has(paths.base))
        throw new OperationalError(
          `cannot rebuild the rootfs while hosts use ${paths.base}: take them down first`,
        );
      rmSync(paths.tarball, { force: true });
      rmSync(paths.base, { recursive: true, force: true });
    }
    if (!existsSync(paths.tarball)) await build(paths, mirror, progress);
    if (!existsSync(paths.base)) await unpack(paths, progress);
    return paths;
  });
}
