/**
 * The host's network: a namespace holding one end of a veth pair (named eth0 inside, as on
 * EC2) with 10.200.I.2/30, the machine end with 10.200.I.1/30. No default route: the host
 * reaches the machine's gateway address and nothing else.
 */
import { existsSync } from 'node:fs';
import { slotAddresses } from './addresses';
import { run } from './subprocess';

export interface HostLink {
  netns: string;
  /** Machine-side interface name (≤ 15 characters, the kernel's limit). */
  veth: string;
}

export function linkNames(slot: number, name: string): HostLink {
  return { netns: `streamlab-${slot}-${name}`, veth: `slh${slot}` };
}

export async function createLink(slot: number, link: HostLink): Promise<void> {
  const a = slotAddresses(slot);
  const ns = link.netns;
  await run(['ip', 'netns', 'add', ns]);
  await run(['ip', 'link', 'add', link.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await run(['ip', 'addr', 'add', `${a.gateway}/${a.prefix}`, 'dev', link.veth]);
  await run(['ip', 'link', 'set', link.veth, 'up']);
  await run(['ip', '-n', ns, 'addr', 'add', `${a.address}/${a.prefix}`, 'dev', 'eth0']);
  await run(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Idempotent: removing the namespace destroys its veth end and with it the pair. */
export async function removeLink(link: HostLink): Promise<void> {
  if (existsSync(`/run/netns/${link.netns}`))
    await run(['ip', 'netns', 'delete', link.netns], { allowFailure: true });
  if (existsSync(`/sys/class/net/${link.veth}`))
    await run(['ip', 'link', 'delete', link.veth], { allowFailure: true });
  if (existsSync(`/run/netns/${link.netns}`))
    throw new Error(`network namespace ${link.netns} could not be removed`);
}

/** Destinations of every IPv4 route and address on the machine, for collision checks. */
export async function machineNetworks(): Promise<string[]> {
  const routes = JSON.parse(
    (await run(['ip', '-j', '-4', 'route', 'show', 'table', 'all'])).stdout,
  ) as {
    dst?: string;
  }[];
  const addrs = JSON.parse((await run(['ip', '-j', '-4', 'addr', 'show'])).stdout) as {
    addr_info?: { local?: string; prefixlen?: number }[];
  }[];
  const nets = routes.map((r) => r.dst ?? '').filter((d) => d && d !== 'default');
  for (const i of addrs)
    for (const ai of i.addr_info ?? [])
      if (ai.local) nets.push(`${ai.local}/${ai.prefixlen ?? 32}`);
  return nets;
}
