/**
 * The installer's decisions on made-up machines (nothing is installed or removed here),
 * and its readers against this machine's real dpkg-query and os-release formats.
 */
import { InputError } from '../../../config/errors';
import {
  distroIds,
  ensurePackages,
  installedFromDpkg,
  installPackages,
  LAB_PACKAGES,
  planInstall,
  TEST_PACKAGES,
  thisMachine,
  type Machine,
} from '../../../testhost/packages';
import { REQUIRED_PROGRAMS } from '../../../testhost/prerequisites';

const machine = (over: Partial<Machine> & { have?: string[] } = {}): Machine => ({
  platform: 'linux',
  uid: 0,
  distro: ['debian'],
  hasAptGet: true,
  installed: async (names) => new Set(names.filter((n) => (over.have ?? []).includes(n))),
  ...over,
});
const all = LAB_PACKAGES.map((p) => p.name);

describe('planInstall', () => {
  it('does nothing when every package is installed', async () => {
    expect(await planInstall(machine({ have: all }), LAB_PACKAGES)).toEqual({ kind: 'nothing' });
  });

  it('as root on Debian or Ubuntu: apt-get update once, then one install of what is missing', async () => {
    for (const distro of [['debian'], ['ubuntu', 'debian']]) {
      const have = all.filter((n) => n !== 'debootstrap' && n !== 'apt-cacher-ng');
      const plan = await planInstall(machine({ distro, have }), LAB_PACKAGES);
      expect(plan).toEqual({
        kind: 'install',
        missing: [
          expect.objectContaining({ name: 'debootstrap' }),
          expect.objectContaining({ name: 'apt-cacher-ng' }),
        ],
        commands: [
          ['apt-get', 'update'],
          ['apt-get', 'install', '-y', '--no-install-recommends', 'debootstrap', 'apt-cacher-ng'],
        ],
      });
    }
  });

  it('not root: refuses, naming the packages and the sudo line that installs them', async () => {
    const plan = await planInstall(machine({ uid: 1000, have: all.slice(1) }), LAB_PACKAGES);
    expect(plan).toMatchObject({ kind: 'refuse', missing: [{ name: 'debootstrap' }] });
    expect(plan.kind === 'refuse' && plan.reason).toBe(
      "installing debootstrap needs root: sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends debootstrap'",
    );
  });

  it('not Debian-family, or no apt-get, or not Linux: refuses, naming what is needed', async () => {
    const fedora = await planInstall(machine({ distro: ['fedora'] }), LAB_PACKAGES);
    expect(fedora.kind === 'refuse' && fedora.reason).toMatch(
      /apt on Debian or Ubuntu; this is fedora: install the equivalents of debootstrap systemd-container/,
    );
    const noApt = await planInstall(machine({ hasAptGet: false }), LAB_PACKAGES);
    expect(noApt.kind === 'refuse' && noApt.reason).toMatch(/this is debian without apt-get/);
    const mac = await planInstall(machine({ platform: 'darwin' }), LAB_PACKAGES);
    expect(mac.kind === 'refuse' && mac.reason).toMatch(/needs Linux .* this is darwin/);
  });

  it('the lab list covers every program the test host checks for that Debian does not always have', () => {
    const essential = new Set(['util-linux', 'mount', 'tar', 'coreutils']);
    const needed = new Set(Object.values(REQUIRED_PROGRAMS).filter((p) => !essential.has(p)));
    expect(new Set(all)).toEqual(needed);
    expect(TEST_PACKAGES.slice(0, LAB_PACKAGES.length)).toEqual(LAB_PACKAGES);
    for (const p of TEST_PACKAGES) expect(p.why.length).toBeGreaterThan(10);
  });
});

describe('installPackages and ensurePackages', () => {
  const plan = {
    kind: 'install' as const,
    missing: LAB_PACKAGES.slice(0, 2),
    commands: [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'debootstrap', 'systemd-container'],
    ],
  };

  it('says what it installs and why, then runs update once and install once', async () => {
    const said: string[] = [];
    const ran: string[] = [];
    await installPackages(
      plan,
      (l) => said.push(l),
      async (argv) => (ran.push(argv.join(' ')), 0),
    );
    expect(ran).toEqual([
      'apt-get update',
      'apt-get install -y --no-install-recommends debootstrap systemd-container',
    ]);
    expect(said[0]).toMatch(
      /^installing 2 Debian packages with apt-get:\n {2}debootstrap .*builds the Debian 12 image/,
    );
  });

  it('stops at the first failing command', async () => {
    const ran: string[] = [];
    await expect(
      installPackages(
        plan,
        () => {},
        async (argv) => (ran.push(argv[1]!), 100),
      ),
    ).rejects.toThrow('apt-get update failed (exit status 100)');
    expect(ran).toEqual(['update']);
  });

  const lacking = machine({ have: all.filter((n) => n !== 'zstd') });

  it('without consent and no terminal: changes nothing, names the exact command (exit 2)', async () => {
    const run = jest.fn(async () => 0);
    const err = await ensurePackages({
      wanted: LAB_PACKAGES,
      install: false,
      rerun: 'streamlab lab up --install-packages',
      say: () => {},
      machine: lacking,
      run,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      'missing Debian packages zstd (nothing was changed); install them with\n' +
        '  apt-get update && apt-get install -y --no-install-recommends zstd\n' +
        'or let streamlab do it: streamlab lab up --install-packages',
    );
    expect(run).not.toHaveBeenCalled();
  });

  it('asks on a terminal and installs on yes, not on no', async () => {
    for (const answer of [true, false]) {
      const run = jest.fn(async () => 0);
      const ask = jest.fn(async () => answer);
      const said: string[] = [];
      const done = ensurePackages({
        wanted: LAB_PACKAGES,
        install: false,
        rerun: 'x',
        say: (l) => said.push(l),
        machine: lacking,
        ask,
        run,
      });
      if (answer) await done;
      else await expect(done).rejects.toThrow(/nothing was changed/);
      expect(ask).toHaveBeenCalledWith('Install it now with apt-get?');
      expect(said[0]).toMatch(/^missing 1 Debian package with apt-get:\n {2}zstd/);
      expect(run).toHaveBeenCalledTimes(answer ? 2 : 0);
    }
  });

  it('with consent up front installs without asking; a refusal throws exit 2 before anything runs', async () => {
    const run = jest.fn(async () => 0);
    const ask = jest.fn(async () => false);
    await ensurePackages({
      wanted: LAB_PACKAGES,
      install: true,
      rerun: 'x',
      say: () => {},
      machine: lacking,
      ask,
      run,
    });
    expect(ask).not.toHaveBeenCalled();
    expect(run).toHaveBeenCalledTimes(2);
    run.mockClear();
    await expect(
      ensurePackages({
        wanted: LAB_PACKAGES,
        install: true,
        rerun: 'x',
        say: () => {},
        machine: { ...lacking, uid: 1000 },
        run,
      }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^missing Debian packages zstd; installing zstd needs root/),
    });
    expect(run).not.toHaveBeenCalled();
  });
});

describe('reading the machine', () => {
  it('parses os-release ID and ID_LIKE (Ubuntu, Debian)', () => {
    expect(distroIds('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n')).toEqual([
      'ubuntu',
      'debian',
    ]);
    expect(distroIds('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toEqual([
      'debian',
    ]);
    expect(distroIds('ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toEqual([
      'rocky',
      'rhel',
      'centos',
      'fedora',
    ]);
  });

  it('reads dpkg-query: only "ii" is installed; arch-qualified names count', () => {
    expect(installedFromDpkg('zstd ii \nfoo un \nbar rc \nlibc6:amd64 ii \n')).toEqual(
      new Set(['zstd', 'libc6']),
    );
  });

  // dpkg exists only on Debian-family machines (CI's is one, so this never skips there).
  const onDebian = thisMachine().distro.includes('debian');
  (onDebian ? it : it.skip)(
    "asks this machine's real dpkg-query (an unknown name is simply not installed)",
    async () => {
      const installed = await thisMachine().installed(['coreutils', 'no-such-package-streamlab']);
      expect(installed).toEqual(new Set(['coreutils']));
    },
  );
});
