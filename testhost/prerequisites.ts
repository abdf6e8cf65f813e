/**
 * What the machine must offer before a test host can boot, checked up front so the user
 * gets one message naming the fix instead of a failure halfway through `up`.
 */
import { which } from '../process/which';
import { OperationalError } from '../config/errors';

/** Program → Debian package that provides it. */
export const REQUIRED_PROGRAMS: Readonly<Record<string, string>> = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  ip: 'iproute2',
  'ssh-keygen': 'openssh-client',
  'apt-cacher-ng': 'apt-cacher-ng',
  zstd: 'zstd',
  nft: 'nftables',
  flock: 'util-linux',
  mount: 'mount',
  tar: 'tar',
  chroot: 'coreutils',
};

export interface Platform {
  platform: string;
  uid: number | undefined;
  hasProgram(name: string): boolean;
}

export const thisMachine = (): Platform => ({
  platform: process.platform,
  uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  hasProgram: (n) => which(n, process.env.PATH, { sbinToo: true }) !== undefined,
});

/** Every problem found, each with its fix; empty when the machine can run test hosts. */
export function missingPrerequisites(p: Platform = thisMachine()): string[] {
  if (p.platform !== 'linux')
    return [`test hosts need Linux (network namespaces, systemd-nspawn); this is ${p.platform}`];
  const problems: string[] = [];
  if (p.uid !== 0)
    problems.push('test hosts need root (network namespaces, mounts, cgroups): run with sudo');
  const missing = Object.keys(REQUIRED_PROGRAMS).filter((prog) => !p.hasProgram(prog));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((m) => REQUIRED_PROGRAMS[m]!))];
    problems.push(
      `missing program${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
        `apt-get install --no-install-recommends ${pkgs.join(' ')}`,
    );
  }
  return problems;
}

/** What this machine lacks for a test host (root, Linux, programs): the user's to fix, exit 1. */
export class PrerequisiteError extends OperationalError {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PrerequisiteError';
  }
}

export function assertPrerequisites(p: Platform = thisMachine()): void {
  const problems = missingPrerequisites(p);
  if (problems.length > 0) throw new PrerequisiteError(problems);
}
