/**
 * apt: the universe component (Ubuntu only), the package cache, and packages installed
 * in one transaction. apt waits for a held dpkg lock (DPkg::Lock::Timeout; on EC2
 * unattended-upgrades holds it right after boot) and the whole step retries, finishing
 * first what a cut-short dpkg left half-done.
 */
import { PACKAGE_NAME } from '../../config/host-tasks';
import { defineFact, readLines, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, skip, type Task } from '../engine/task';
import { stateDiff, type State } from './state-diff';

export interface OsRelease {
  readonly id: string;
  readonly versionId: string;
  readonly codename: string;
}

export const osReleaseFact: Fact<OsRelease> = defineFact(
  'os-release',
  // Read, not sourced: `.` of a missing file would end the whole gathering script, so a
  // sourcing snippet needs a subshell of its own.
  [
    'os_id=; os_version=; os_codename=',
    `while IFS='=' read -r k v; do case $k in ID) os_id=$v;; VERSION_ID) os_version=$v;; VERSION_CODENAME) os_codename=$v;; esac; done < /etc/os-release`,
    `printf '%s\\n%s\\n%s\\n' "$os_id" "$os_version" "$os_codename"`,
  ].join('\n'),
  (out) => {
    // os-release values may be quoted ("24.04"); the shell printed them as written.
    const [id = '', versionId = '', codename = ''] = out
      .split('\n')
      .map((v) => v.replace(/^(["'])(.*)\1$/, '$2'));
    return { id, versionId, codename };
  },
);

/** Components enabled in any apt source (one-line and deb822 formats). */
export const aptComponentsFact: Fact<Set<string>> = defineFact(
  'apt-components',
  [
    'for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources',
    `do if [ -f "$f" ]; then ${readLines('"$f"', "'deb '*|Components:*")}; fi; done`,
  ].join('; '),
  (out) => {
    const components = new Set<string>();
    for (const line of out.split('\n')) {
      if (line.startsWith('Components:'))
        line
          .slice(11)
          .trim()
          .split(/\s+/)
          .forEach((c) => components.add(c));
      else if (line.startsWith('deb ')) {
        // deb [opts] URI SUITE COMPONENT...
        const words = line
          .replace(/\[[^\]]*\]/, '')
          .trim()
          .split(/\s+/);
        words.slice(3).forEach((c) => components.add(c));
      }
    }
    return components;
  },
);

/** Seconds since the newest package list was fetched (Infinity when there are none). */
export const aptListsAgeFact: Fact<number> = defineFact(
  'apt-lists-age',
  // The newest is picked here, not by `sort | tail` on the host: two processes fewer a run.
  `date +%s; find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -printf '%T@\\n'`,
  (out) => {
    const [now, ...lists] = out.split('\n').filter((l) => l !== '');
    if (lists.length === 0) return Infinity;
    const newest = Math.max(...lists.map((l) => Math.floor(Number(l))));
    return Math.max(0, Number(now) - newest);
  },
);

/** Which of the packages dpkg reports as installed. */
export const installedPackagesFact = (names: readonly string[]): Fact<Set<string>> =>
  defineFact(
    `dpkg:${[...names].sort().join(',')}`,
    sh`dpkg-query -W -f='\${Package} \${db:Status-Abbrev}\\n' ${[...names].sort()}`,
    (out) => {
      const installed = new Set<string>();
      for (const line of out.split('\n')) {
        const [pkg, status] = line.split(' ');
        // Status-Abbrev "ii": wanted install, installed. Arch-qualified names ("x:amd64") count too.
        if (pkg && status === 'ii') installed.add(pkg.split(':')[0]!);
      }
      return installed;
    },
  );

/** How long apt waits for the dpkg lock, and how often the whole step is tried. */
export interface AptLocking {
  /** @default 300 */
  readonly lockTimeoutSeconds?: number;
  /** @default 3 */
  readonly attempts?: number;
}

/**
 * After a failed attempt, dpkg's own journal left behind (an install cut short: Ctrl-C of
 * `up`, a lost connection) is finished the way apt's "dpkg was interrupted" error asks,
 * keeping the configuration files as they are. dpkg takes its lock itself and fails at
 * once while another dpkg holds it, so a running dpkg is never disturbed.
 */
const FINISH_CUT_DPKG = [
  'if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ]; then',
  "echo 'dpkg was left half-done (an install cut short): dpkg --configure -a' >&2;",
  'DEBIAN_FRONTEND=noninteractive dpkg --force-confdef --force-confold --configure -a;',
  'fi;',
].join(' ');

/** Wraps an apt-get invocation: non-interactive, lock timeout, retried. */
export function aptGet(args: readonly string[], locking: AptLocking = {}): string {
  const attempts = locking.attempts ?? 3;
  const timeout = locking.lockTimeoutSeconds ?? 300;
  const cmd = sh`DEBIAN_FRONTEND=noninteractive apt-get -q -y -o ${`DPkg::Lock::Timeout=${timeout}`} ${args}`;
  return `n=0; until ${cmd}; do n=$((n+1)); if [ $n -ge ${attempts} ]; then exit 1; fi; ${FINISH_CUT_DPKG} sleep 5; done`;
}

const aptUpdate = (locking: AptLocking) => aptGet(['update'], locking);

export interface RepositoryArgs {
  /** @default "universe" */
  readonly component?: string;
}

/** Enables an Ubuntu archive component; Debian has none of them, so it is skipped there. */
export function repository(args: RepositoryArgs = {}): Task {
  const component = args.component ?? 'universe';
  return {
    name: `apt repository ${component}`,
    facts: [osReleaseFact, aptComponentsFact],
    plan(facts) {
      const os = facts.get(osReleaseFact);
      if (os.id !== 'ubuntu')
        return skip(`${os.id || 'this OS'} is not Ubuntu: no "${component}" component`);
      if (facts.get(aptComponentsFact).has(component)) return ok(`${component} already enabled`);
      return change(`enable ${component}`, [
        sh`add-apt-repository -y -n ${component}`,
        // add-apt-repository may run without -n support on old releases; the cache is refreshed next.
        aptUpdate({}),
      ]);
    },
  };
}

export interface UpdateArgs extends AptLocking {
  /** Lists younger than this are fresh. @default 86_400 */
  readonly maxAgeSeconds?: number;
}

/** `apt-get update` when the package lists are older than maxAgeSeconds. */
export function update(args: UpdateArgs = {}): Task {
  const maxAge = args.maxAgeSeconds ?? 86_400;
  return {
    name: 'apt update',
    facts: [aptListsAgeFact],
    plan(facts) {
      const age = facts.get(aptListsAgeFact);
      if (age < maxAge) return ok(`package lists are ${age} s old (< ${maxAge} s)`);
      return change(age === Infinity ? 'no package lists yet' : `package lists are ${age} s old`, [
        aptUpdate(args),
      ]);
    },
  };
}

export interface PackagesArgs extends AptLocking {
  readonly names: readonly string[];
  /** @default false: --no-install-recommends */
  readonly installRecommends?: boolean;
  /** Refresh lists older than this before installing. @default 86_400 */
  readonly cacheMaxAgeSeconds?: number;
  /** Refresh stale lists even when every package is installed (Ansible's update_cache). */
  readonly update?: boolean;
}

function checkNames(op: string, names: readonly string[]): void {
  if (names.length === 0) throw new Error(`${op}: names must list at least one package`);
  for (const n of names) {
    if (!PACKAGE_NAME.test(n)) throw new Error(`${op}: "${n}" is not a Debian package name`);
  }
}

/** Each package as installed or absent, for --diff. */
function packageStates(names: readonly string[], installed: (n: string) => boolean): State {
  return Object.fromEntries(names.map((n) => [n, installed(n) ? 'installed' : 'absent']));
}

/** Installs all missing packages in one apt transaction. */
export function packages(args: PackagesArgs): Task {
  checkNames('apt.packages', args.names);
  const fact = installedPackagesFact(args.names);
  const maxAge = args.cacheMaxAgeSeconds ?? 86_400;
  return {
    name: `apt packages ${args.names.join(' ')}`,
    facts: [fact, aptListsAgeFact],
    plan(facts, ctx) {
      const installed = facts.get(fact);
      const missing = args.names.filter((n) => !installed.has(n.split(':')[0]!));
      const stale = facts.get(aptListsAgeFact) >= maxAge;
      const refresh = stale && (missing.length > 0 || args.update === true);
      if (missing.length === 0 && !refresh) return ok(`all ${args.names.length} installed`);
      const install = missing.length
        ? [
            aptGet(
              [
                'install',
                ...(args.installRecommends ? [] : ['--no-install-recommends']),
                ...missing,
              ],
              args,
            ),
          ]
        : [];
      const why = [
        refresh && 'refresh stale package lists',
        missing.length && `install ${missing.join(' ')}`,
      ];
      return change(
        why.filter(Boolean).join(', '),
        refresh ? [aptUpdate(args), ...install] : install,
        stateDiff(
          ctx.diff,
          'apt packages',
          packageStates(args.names, (n) => !missing.includes(n)),
          packageStates(args.names, () => true),
        ),
      );
    },
  };
}

/** Removes those of the packages that are installed, in one apt transaction (config files stay). */
export function absent(args: { readonly names: readonly string[] } & AptLocking): Task {
  checkNames('apt.absent', args.names);
  const fact = installedPackagesFact(args.names);
  return {
    name: `apt absent ${args.names.join(' ')}`,
    facts: [fact],
    plan(facts, ctx) {
      const installed = facts.get(fact);
      const present = args.names.filter((n) => installed.has(n.split(':')[0]!));
      if (present.length === 0) return ok(`none of ${args.names.length} installed`);
      return change(
        `remove ${present.join(' ')}`,
        [aptGet(['remove', ...present], args)],
        stateDiff(
          ctx.diff,
          'apt packages',
          packageStates(args.names, (n) => present.includes(n)),
          packageStates(args.names, () => false),
        ),
      );
    },
  };
}
