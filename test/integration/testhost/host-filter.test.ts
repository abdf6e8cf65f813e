/**
 * The hosts' packet filter, tested from inside a real test host's network namespace: a
 * listener this machine binds on the wildcard address is reachable from the host before
 * the filter and unreachable with it, over IPv4 (the host's gateway and the service
 * address) and over the veth's IPv6 link-local address; the apt proxy (apt-cacher-ng) and
 * the emulator (kinesalite) stay reachable; the machine itself still reaches the listener.
 * Removing the filter deletes our table and nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmulator, stopEmulator } from '../../../labs/offline/emulator-service';
import { run } from '../../../process/run';
import { hostDown, hostUp, type HostDetails } from '../../../testhost/api';
import { aptCacherEndpoint, hostsServiceAddress } from '../../../testhost/aptcache';
import {
  hostFilterScript,
  hostFilterTable,
  installHostFilter,
  releaseInterface,
  removeHostFilter,
} from '../../../testhost/host-filter';
import { readState } from '../../../testhost/state';
import { describeAsRoot } from '../../support/root';
import { ownRunDir } from '../../support/run-dir';

jest.setTimeout(240_000);

const runDir = ownRunDir('host-filter');

/** Whether a TCP connection from inside the namespace to address:port completes (≤ 2 s). */
async function reaches(netns: string, address: string, port: number): Promise<boolean> {
  const target = address.includes(':') ? `[${address}]` : address;
  const { code } = await run(
    [
      'ip',
      'netns',
      'exec',
      netns,
      'timeout',
      '2',
      'bash',
      '-c',
      `exec 3<>/dev/tcp/${target}/${port}`,
    ],
    { allowFailure: true },
  );
  return code === 0;
}

/** The same from this machine's own namespace. */
async function machineReaches(address: string, port: number): Promise<boolean> {
  const { code } = await run(
    ['timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`],
    {
      allowFailure: true,
    },
  );
  return code === 0;
}

async function tables(): Promise<string> {
  return (await run(['nft', 'list', 'tables'])).stdout;
}

describeAsRoot('the hosts’ packet filter (nftables), from inside a test host', () => {
  let host: HostDetails;
  let wildcard: Server;
  let wildcardPort: number;
  let emulator: Awaited<ReturnType<typeof ensureEmulator>>['emulator'] | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sl-filter-'));
  const tag = join(dir, 'offline-lab.json');

  beforeAll(async () => {
    host = await hostUp('fw', { runDir });
    wildcard = createServer((s) => s.destroy());
    // "::" without ipv6Only: every IPv4 and IPv6 address of the machine, as a careless dev
    // server or database would bind.
    await new Promise<void>((r) => wildcard.listen({ port: 0, host: '::' }, r));
    wildcardPort = (wildcard.address() as { port: number }).port;
  });

  afterAll(async () => {
    await removeHostFilter(runDir);
    await stopEmulator(emulator, tag);
    await new Promise((r) => wildcard?.close(r));
    await hostDown('fw', { runDir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a host reach only the apt proxy and the emulator on this machine', async () => {
    const service = hostsServiceAddress(runDir)!;
    const proxy = aptCacherEndpoint(runDir)!;
    expect(proxy.address).toBe(service);
    emulator = (await ensureEmulator(undefined, ['127.0.0.1', service], tag, join(dir, 'log')))
      .emulator;
    const veth = readState(runDir, 'fw')!.veth;
    const linkLocal = JSON.parse(
      (await run(['ip', '-j', '-6', 'addr', 'show', 'dev', veth, 'scope', 'link'])).stdout,
    )[0]?.addr_info?.[0]?.local as string | undefined;

    // Without the filter the host reaches the machine's wildcard listener: the check can fail.
    expect(await reaches(host.netns, host.gateway, wildcardPort)).toBe(true);
    expect(await reaches(host.netns, service, wildcardPort)).toBe(true);

    await installHostFilter(runDir, service, [proxy.port, emulator.port]);
    expect(await tables()).toContain(`table inet ${hostFilterTable(runDir)}`);

    expect(await reaches(host.netns, host.gateway, wildcardPort)).toBe(false);
    expect(await reaches(host.netns, service, wildcardPort)).toBe(false);
    if (linkLocal) expect(await reaches(host.netns, `${linkLocal}%eth0`, wildcardPort)).toBe(false);
    // The machine's sshd, if it listens on the wildcard address, is just as unreachable.
    expect(await reaches(host.netns, host.gateway, 22)).toBe(false);
    expect(await reaches(host.netns, service, proxy.port)).toBe(true);
    expect(await reaches(host.netns, service, emulator.port)).toBe(true);
    // The machine itself is not filtered: it still reaches its listener and the host's sshd.
    expect(await machineReaches('127.0.0.1', wildcardPort)).toBe(true);
    expect(await machineReaches(host.address, host.port)).toBe(true);

    // Installing again (a rerun of lab up) replaces the table: still exactly one of ours.
    await installHostFilter(runDir, service, [proxy.port, emulator.port]);
    const ours = (await tables()).split('\n').filter((l) => l.includes(hostFilterTable(runDir)));
    expect(ours).toHaveLength(1);

    await removeHostFilter(runDir);
    expect(await tables()).not.toContain(hostFilterTable(runDir));
    expect(await reaches(host.netns, host.gateway, wildcardPort)).toBe(true);
  });

  it('takes a stale interface out of a dead run dir’s table before the name is reused', async () => {
    // A run dir whose hosts died without removing its table: it still names slh250 and slh251.
    const stale = hostFilterTable(`${runDir}-dead`);
    const script = hostFilterScript(stale, {
      interfaces: ['slh250', 'slh251'],
      serviceAddress: '10.200.250.1',
      ports: [3142],
    });
    await run(['nft', '-f', '-'], { input: script });
    try {
      const members = async () =>
        (await run(['nft', 'list', 'set', 'inet', stale, 'hosts'])).stdout;
      expect(await members()).toContain('"slh250"');
      await releaseInterface('slh250');
      expect(await members()).not.toContain('"slh250"');
      expect(await members()).toContain('"slh251"');
      // A name no table lists: nothing to do, and no error.
      await releaseInterface('slh252');
    } finally {
      await run(['nft', 'delete', 'table', 'inet', stale], { allowFailure: true });
    }
  });
});
