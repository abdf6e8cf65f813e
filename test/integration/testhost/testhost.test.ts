/**
 * The local test host, for real: systemd-nspawn in a network namespace, OpenSSH, sudo,
 * systemd, apt through apt-cacher-ng, teardown without trace, crash recovery.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAsRoot } from '../../support/root';
import { runSync } from '../../../process/run';
import { aptCacherAnchor, aptCacherPid } from '../../../testhost/aptcache';
import { fingerprintOfPublicKey } from '../../../testhost/sshkeys';
import { readState, type HostState } from '../../../testhost/state';
import {
  ensureRootfs,
  hostDown,
  hostDownAll,
  hostList,
  hostUp,
  type HostDetails,
} from '../../../testhost/api';
import { knownHostsFile, ssh } from './ssh-client';
import { alive, containerPids, tracesOf } from './traces';
import { ownRunDir } from '../../support/run-dir';

// A run dir of our own: `down --all` here never touches hosts of another lab on the machine.
const RUN_DIR = ownRunDir('it-testhost');
const here = { runDir: RUN_DIR };

jest.setTimeout(180_000);

function stateOf(name: string): HostState {
  const s = readState(RUN_DIR, name);
  if (!s) throw new Error(`no state for ${name}`);
  return s;
}

function pinned(h: HostDetails): string {
  const s = stateOf(h.name);
  // The key we pin is the one whose fingerprint `up` reported.
  expect(fingerprintOfPublicKey(s.hostPublicKey)).toBe(h.hostKeyFingerprint);
  return knownHostsFile(h.address, s.hostPublicKey);
}

function listeningAddressesOf(pid: number): string[] {
  const out = runSync(['ss', '-Hltnp']).stdout;
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[3]!);
}

describeAsRoot('test host (systemd-nspawn + OpenSSH, real)', () => {
  beforeAll(async () => {
    await ensureRootfs(); // prebuilt by .ci/run; builds here (1-3 min) on a fresh machine
  }, 600_000);

  afterAll(async () => {
    await hostDownAll(here);
    rmSync(RUN_DIR, { recursive: true, force: true });
  });

  describe('one host', () => {
    let host: HostDetails;
    let known: string;
    beforeAll(async () => {
      host = await hostUp('th-one', here);
      known = pinned(host);
    });

    it('reports where and how to reach it', () => {
      expect(host).toEqual({
        name: 'th-one',
        address: expect.stringMatching(/^10\.200\.\d+\.2$/),
        port: 22,
        user: 'ubuntu',
        privateKeyPath: expect.stringMatching(/id_ed25519$/),
        hostKeyFingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
        gateway: host.address.replace(/\.2$/, '.1'),
        netns: expect.stringContaining('th-one'),
      });
    });

    it('lets ubuntu in with the pinned host key, hostname NAME, passwordless sudo', () => {
      const r = ssh(host, known, 'hostname; id -un; sudo -n true && echo sudo-ok');
      expect(r).toMatchObject({ code: 0, stdout: 'th-one\nubuntu\nsudo-ok\n' });
    });

    it('runs systemd as PID 1 and reaches "running" with no failed unit', () => {
      const r = ssh(
        host,
        known,
        'timeout 60 systemctl is-system-running --wait; systemctl --failed --no-legend | wc -l',
      );
      expect(r.stdout).toBe('running\n0\n');
    });

    it('refuses root and anything but keys', () => {
      expect(ssh(host, known, 'true', { user: 'root' })).toMatchObject({ code: 255 });
      expect(
        ssh(
          host,
          known,
          'sudo sshd -T | grep -E "^(permitrootlogin|passwordauthentication|kbdinteractiveauthentication) "',
        ).stdout,
      ).toBe('permitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\n');
    });

    it('refuses a host key other than the one reported (no trust on first use)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'otherkey-'));
      runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k'), '-C', 'x']);
      const wrong = knownHostsFile(host.address, readFileSync(join(dir, 'k.pub'), 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      const r = ssh(host, wrong, 'true');
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    });

    it('installs a package with apt through apt-cacher-ng, routed via the gateway', () => {
      const r = ssh(
        host,
        known,
        'cat /etc/apt/apt.conf.d/01proxy && ip -4 route && sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tree >/dev/null && tree --version',
        { timeoutMs: 170_000 },
      );
      expect(r.stderr).not.toMatch(/^E: /m);
      const proxy = /Acquire::http::Proxy "http:\/\/(10\.200\.\d+\.1):\d+";/.exec(r.stdout);
      expect(proxy).not.toBeNull();
      expect(r.stdout).toContain(`${proxy![1]} via ${host.gateway} dev eth0`);
      expect(r.stdout).not.toMatch(/^default/m); // still no route out
      expect(r.stdout).toMatch(/^tree v/m);
      expect(r.code).toBe(0);
    });

    it('binds the proxy to its own 10.200.S.1 only, never a wildcard', () => {
      const pid = aptCacherPid(RUN_DIR);
      expect(pid).toBeDefined();
      const addrs = listeningAddressesOf(pid!);
      expect(addrs).toHaveLength(1);
      expect(addrs[0]).toMatch(/^10\.200\.\d+\.1:\d+$/);
      expect(addrs[0]).not.toMatch(new RegExp(`^${host.gateway.replace(/\./g, '\\.')}:`));
    });

    it('keeps the proxy running while other hosts come and go (no restart mid-download)', async () => {
      const pid = aptCacherPid(RUN_DIR);
      await hostUp('th-other', here);
      expect(aptCacherPid(RUN_DIR)).toBe(pid);
      await hostDown('th-other', here);
      expect(aptCacherPid(RUN_DIR)).toBe(pid);
    });

    it('returns the same host when brought up again while running', async () => {
      const pid = stateOf('th-one').pid;
      expect(await hostUp('th-one', here)).toEqual(host);
      expect(stateOf('th-one').pid).toBe(pid);
    });

    it('goes down leaving no process, namespace, link, cgroup, mount, directory or state', async () => {
      const s = stateOf('th-one');
      const anchor = aptCacherAnchor(RUN_DIR);
      expect(anchor).toBeDefined();
      const pids = containerPids(s);
      expect(pids.length).toBeGreaterThan(3); // systemd, journald, sshd, … really ran there
      expect(tracesOf(RUN_DIR, s, pids).length).toBeGreaterThan(0); // the check sees a live host
      await hostDown('th-one', here);
      expect(tracesOf(RUN_DIR, s, pids)).toEqual([]);
      expect(await hostList(here)).toEqual([]);
      expect(aptCacherPid(RUN_DIR)).toBeUndefined(); // the last host out stopped the proxy
      expect(existsSync(`/sys/class/net/${anchor}`)).toBe(false); // and removed its anchor
    });
  });

  it('runs two hosts at once with different addresses and host keys', async () => {
    const [a, b] = await Promise.all([hostUp('th-a', here), hostUp('th-b', here)]);
    expect(a!.address).not.toBe(b!.address);
    expect(a!.gateway).not.toBe(b!.gateway);
    expect(a!.hostKeyFingerprint).not.toBe(b!.hostKeyFingerprint);
    expect(ssh(a!, pinned(a!), 'hostname').stdout).toBe('th-a\n');
    expect(ssh(b!, pinned(b!), 'hostname').stdout).toBe('th-b\n');
    // Each machine id is its own (an image-wide one would confuse journald and DHCP alike).
    const ids = [a!, b!].map((h) => ssh(h, pinned(h), 'cat /etc/machine-id').stdout);
    expect(ids[0]).not.toBe(ids[1]);
    expect((await hostList(here)).map((h) => h.name).sort()).toEqual(['th-a', 'th-b']);
    const states = [stateOf('th-a'), stateOf('th-b')];
    expect(await hostDownAll(here)).toEqual(['th-a', 'th-b']);
    for (const s of states) expect(tracesOf(RUN_DIR, s)).toEqual([]);
  });

  it('takes the other hosts down when one cannot be, names that one, and retries it next time', async () => {
    await Promise.all([hostUp('th-stuck', here), hostUp('th-free', here)]);
    const stuck = stateOf('th-stuck');
    const free = stateOf('th-free');
    // An immutable file: even root cannot delete the stuck host's directory.
    const pinnedFile = join(stuck.hostDir, 'immutable');
    writeFileSync(pinnedFile, '');
    runSync(['chattr', '+i', pinnedFile]);
    try {
      await expect(hostDownAll(here)).rejects.toThrow(
        /1 of 2 test host\(s\) could not be taken down \(the other 1 are down;[^]*\n {2}th-stuck: .*(EPERM|not permitted)/,
      );
      expect(tracesOf(RUN_DIR, free)).toEqual([]);
      expect((await hostList(here)).map((h) => h.name)).toEqual(['th-stuck']);
    } finally {
      runSync(['chattr', '-i', pinnedFile]);
    }
    expect(await hostDownAll(here)).toEqual(['th-stuck']);
    expect(tracesOf(RUN_DIR, stuck)).toEqual([]);
  });

  it('answers two concurrent `up`s of one name with the same single host', async () => {
    const [x, y] = await Promise.all([hostUp('th-same', here), hostUp('th-same', here)]);
    expect(y).toEqual(x);
    expect(ssh(x!, pinned(x!), 'hostname').stdout).toBe('th-same\n');
    expect(await hostDownAll(here)).toEqual(['th-same']);
  });

  describe('after nspawn is killed -9', () => {
    function crash(name: string): { state: HostState; pids: number[] } {
      const state = stateOf(name);
      const pids = containerPids(state);
      process.kill(state.pid!, 'SIGKILL'); // our own nspawn, by its recorded pid
      return { state, pids };
    }

    it('`up` of the same name cleans the leftovers and boots a working host', async () => {
      const first = await hostUp('th-crash', here);
      const { state, pids } = crash('th-crash');
      const second = await hostUp('th-crash', here);
      expect(ssh(second, pinned(second), 'hostname').stdout).toBe('th-crash\n');
      expect(second.hostKeyFingerprint).not.toBe(first.hostKeyFingerprint);
      // the orphaned container of the first boot is gone
      expect(pids.filter((p) => alive(p))).toEqual([]);
      const s2 = stateOf('th-crash');
      await hostDown('th-crash', here);
      expect(tracesOf(RUN_DIR, s2)).toEqual([]);
      expect(tracesOf(RUN_DIR, state)).toEqual([]);
    });

    it('`down --all` cleans every trace', async () => {
      await hostUp('th-crash2', here);
      const { state, pids } = crash('th-crash2');
      expect(await hostDownAll(here)).toEqual(['th-crash2']);
      expect(tracesOf(RUN_DIR, state, pids)).toEqual([]);
    });
  });
});
