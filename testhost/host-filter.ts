/**
 * The packet filter between a run dir's test hosts and this machine. A host's gateway is a
 * local address of the machine, so without it a host (whose student has root there)
 * reaches every service the machine binds on a wildcard address: its sshd, databases,
 * dev servers, over IPv4 and over the veth's IPv6 link-local address alike. With it a
 * host may open connections to the hosts' service address on the ports named (the apt
 * proxy, the emulator) and nothing else on the machine; nothing it sends is forwarded
 * (a host that adds a default route still reaches no network). Replies to connections the
 * machine opened (ssh, provisioning) pass.
 *
 * One nftables table per run dir, `inet streamlab_<digest of the run dir>`, matching the
 * hosts by their veth (an interface name, which a host cannot forge, unlike a source
 * address). The same holds for the ports one host alone may open (`ownPorts`: the Kinesis
 * gate of the offline lab and of a rehearsal gives each host a port of its own and takes the
 * port for the caller's identity): the rule pairs the port with the veth the connection arrives on, so a host
 * that takes a neighbour's address still reaches only its own port.
 * Other run dirs' hosts and every other table are left alone: a drop in our
 * chain is final, an accept only ends our chain. Installing replaces the whole table in
 * one nft transaction, so a rerun never leaves a half-written filter.
 *
 * Because tables match interface names, a run dir whose hosts died without removing its
 * table would go on dropping whatever next gets that name: a new host of any run dir in the
 * same slot. So a new host's veth name is first taken out of every other table that still
 * lists it (`releaseInterface`): a name being handed out cannot belong to a live host.
 */
import { createHash } from 'node:crypto';
import { run } from '../process/run';
import { allStates } from './state';

export interface HostFilterSpec {
  /** The machine ends of the hosts' veths (`slh<slot>`). */
  readonly interfaces: readonly string[];
  /** The address the hosts' services listen on (the apt proxy's anchor). */
  readonly serviceAddress: string;
  /** The TCP ports every host may open there. */
  readonly ports: readonly number[];
  /** Ports one host alone may open there, by its veth. */
  readonly ownPorts?: ReadonlyMap<string, number>;
}

/** The run dir's table name: nft names are letters, digits and `_`. */
export function hostFilterTable(runDir: string): string {
  return `streamlab_${createHash('sha256').update(runDir).digest('hex').slice(0, 12)}`;
}

/** The nft script that (re)creates the table: declare it, delete it, write it whole. */
export function hostFilterScript(table: string, spec: HostFilterSpec): string {
  const ifnames = spec.interfaces.map(ifname);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(spec.serviceAddress))
    throw new Error(`not an IPv4 address: ${spec.serviceAddress}`);
  const ports = spec.ports.map(port);
  const own = [...(spec.ownPorts ?? [])].map(([i, p]) => `${ifname(i)} . ${port(p)}`);
  return [
    `table inet ${table} {}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  set hosts {',
    '    type ifname',
    `    elements = { ${ifnames.join(', ')} }`,
    '  }',
    // An empty set has no elements line: nft refuses `elements = { }`.
    '  set own_ports {',
    '    type ifname . inet_service',
    ...(own.length ? [`    elements = { ${own.join(', ')} }`] : []),
    '  }',
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    '    iifname != @hosts accept',
    '    ct state established,related accept',
    `    ip daddr ${spec.serviceAddress} tcp dport { ${ports.join(', ')} } accept`,
    `    ip daddr ${spec.serviceAddress} iifname . tcp dport @own_ports accept`,
    '    counter drop',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    '    iifname @hosts counter drop',
    '  }',
    '}',
    '',
  ].join('\n');
}

function ifname(i: string): string {
  if (!/^[a-z0-9]{1,15}$/.test(i)) throw new Error(`not an interface name: ${i}`);
  return `"${i}"`;
}

function port(p: number): string {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`not a port: ${p}`);
  return String(p);
}

/**
 * Installs (or replaces) the filter for the hosts of `runDir` that exist now; with no host
 * it removes it. `ownPorts` names, by host name, the port only that host may open. Call
 * again when the set of hosts or a port changes, and after a host is booted again (a new
 * host may get another veth; the old name was taken out of every table, releaseInterface).
 */
export async function installHostFilter(
  runDir: string,
  serviceAddress: string,
  ports: readonly number[],
  ownPorts: ReadonlyMap<string, number> = new Map(),
): Promise<void> {
  const states = allStates(runDir);
  const interfaces = states.map((s) => s.veth);
  if (interfaces.length === 0) return removeHostFilter(runDir);
  const byVeth = new Map(
    states.flatMap((s) => {
      const p = ownPorts.get(s.name);
      return p === undefined ? [] : [[s.veth, p] as const];
    }),
  );
  const script = hostFilterScript(hostFilterTable(runDir), {
    interfaces,
    serviceAddress,
    ports,
    ownPorts: byVeth,
  });
  await run(['nft', '-f', '-'], { input: script });
}

/** Our run dirs' tables whose host set lists `veth` (from `nft -j list sets`). */
export function tablesListing(nftJsonSets: string, veth: string): string[] {
  const parsed = JSON.parse(nftJsonSets) as {
    nftables?: { set?: { family?: string; table?: string; name?: string; elem?: unknown[] } }[];
  };
  return (parsed.nftables ?? [])
    .map((entry) => entry.set)
    .filter(
      (set) =>
        set?.family === 'inet' &&
        set.name === 'hosts' &&
        /^streamlab_[0-9a-f]{12}$/.test(set.table ?? '') &&
        (set.elem ?? []).includes(veth),
    )
    .map((set) => set!.table!);
}

/**
 * Takes `veth` out of every run dir's host set that still lists it, before a new host is
 * given that name (see the header: such an entry is stale, left by hosts that died).
 */
export async function releaseInterface(veth: string): Promise<void> {
  const { stdout } = await run(['nft', '-j', 'list', 'sets', 'inet']);
  for (const table of tablesListing(stdout, veth))
    await run(['nft', 'delete', 'element', 'inet', table, 'hosts', `{ "${veth}" }`]);
}

/** Removes the run dir's table, if there is one; nothing else is touched. */
export async function removeHostFilter(runDir: string): Promise<void> {
  const table = hostFilterTable(runDir);
  // `destroy` would not fail on a missing table, but needs nft ≥ 1.0.8 (Debian 12 has 1.0.6).
  const { code } = await run(['nft', 'list', 'table', 'inet', table], { allowFailure: true });
  if (code === 0) await run(['nft', 'delete', 'table', 'inet', table]);
}
