/**
 * The host's network: a namespace holding one end of a veth pair (named eth0 inside, as on
 * EC2) with 10.200.I.2/30, the machine end with 10.200.I.1/30. No default route: the host
 * reaches the machine's gateway address and nothing else.
 */
import { existsSync, readdirSync } from 'node:fs';
import { slotAddresses } from './addresses';
import { run } from '../process/run';
import { OperationalError } from '../config/errors';

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
  // Two `ip -batch` runs instead of seven processes: this runs under the machine-wide
  // allocation lock, so every millisecond here is paid by each host of a parallel batch.
  await run(['ip', '-batch', '-'], {
    input: [
      `netns add ${ns}`,
      `link add ${link.veth} type veth peer name eth0 netns ${ns}`,
      `addr add ${a.gateway}/${a.prefix} dev ${link.veth}`,
      `link set ${link.veth} up`,
      '',
    ].join('\n'),
  });
  await run(['ip', '-n', ns, '-batch', '-'], {
    input: [
      `addr add ${a.address}/${a.prefix} dev eth0`,
      'link set eth0 up',
      'link set lo up',
      '',
    ].join('\n'),
  });
}

/** The slot a streamlab namespace's name carries (`streamlab-<slot>-<host>`). */
function slotOf(netns: string): number | undefined {
  const m = /^streamlab-(\d+)-/.exec(netns);
  return m ? Number(m[1]) : undefined;
}

/** The machine's streamlab namespaces, each with its slot. */
function streamlabNamespaces(dir: string): { netns: string; slot: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((netns) => {
    const slot = slotOf(netns);
    return slot === undefined ? [] : [{ netns, slot }];
  });
}

/** Whether a namespace other than link's own names link's slot (see removeLink). */
export function slotHeldByAnother(link: HostLink, dir = '/run/netns'): boolean {
  const slot = slotOf(link.netns);
  return streamlabNamespaces(dir).some((n) => n.netns !== link.netns && n.slot === slot);
}

/**
 * Slots whose namespace file exists, whoever made it: a host whose teardown failed after its
 * veth was gone leaves `streamlab-<slot>-<name>` with no route and no state, and the next
 * host of that name given that slot (from any run dir) could not create its namespace.
 */
export function namespaceSlots(dir = '/run/netns'): number[] {
  return streamlabNamespaces(dir).map((n) => n.slot);
}

/**
 * Idempotent: removing the namespace destroys its veth end and with it the pair. The veth is
 * named after the slot only, so one still there is deleted by name only while no other
 * host's namespace holds the slot: when a dead host's namespace went first, its slot was
 * free to be handed out, and `slh<slot>` may now be another run dir's live host.
 */
export async function removeLink(link: HostLink): Promise<void> {
  if (existsSync(`/run/netns/${link.netns}`))
    await run(['ip', 'netns', 'delete', link.netns], { allowFailure: true });
  if (existsSync(`/sys/class/net/${link.veth}`) && !slotHeldByAnother(link))
    await run(['ip', 'link', 'delete', link.veth], { allowFailure: true });
  if (existsSync(`/run/netns/${link.netns}`))
    throw new OperationalError(`network namespace ${link.netns} could not be removed`);
}

/**
 * Destinations of every IPv4 route on the machine, for collision checks. `table all`
 * includes the local table, so every address on every interface is there too.
 */
export async function machineNetworks(): Promise<string[]> {
  const out = await run(['ip', '-j', '-4', 'route', 'show', 'table', 'all']);
  const routes = JSON.parse(out.stdout) as { dst?: string }[];
  return routes.map((r) => r.dst ?? '').filter((d) => d && d !== 'default');
}
