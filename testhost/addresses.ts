/**
 * Address allocation for host links: slot I owns 10.200.I.0/30, the machine side is
 * 10.200.I.1 (the gateway) and the host 10.200.I.2. A slot is free when no other host holds
 * it and no existing route or address on the machine overlaps it (another lab, a VPN…).
 */
import { OperationalError } from '../config/errors';

export const FIRST_SLOT = 1;
export const LAST_SLOT = 254;

export interface SlotAddresses {
  slot: number;
  gateway: string;
  address: string;
  prefix: 30;
}

export function slotAddresses(slot: number): SlotAddresses {
  if (!Number.isInteger(slot) || slot < 0 || slot > 255) throw new Error(`bad slot ${slot}`);
  return { slot, gateway: `10.200.${slot}.1`, address: `10.200.${slot}.2`, prefix: 30 };
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** An IPv4 network "a.b.c.d/n" (or "default", or a bare address = /32) as [first, last]. */
export function cidrRange(cidr: string): [number, number] | undefined {
  if (cidr === 'default') return undefined; // the default route overlaps everything by design
  const [ip, bits] = cidr.split('/');
  if (!ip || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  const n = bits === undefined ? 32 : Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > 32) return undefined;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  const first = (ipToInt(ip) & mask) >>> 0;
  return [first, (first | (~mask >>> 0)) >>> 0];
}

export function overlaps(a: string, b: string): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

/**
 * Lowest free slot. `taken` are slots other hosts hold; `machineNets` are destinations of
 * routes and addresses present on the machine (`ip -j route`, `ip -j addr`), our own
 * links included, which is what makes allocation safe across separate state dirs.
 */
export function pickSlot(taken: Iterable<number>, machineNets: readonly string[]): number {
  const busy = new Set(taken);
  for (let slot = FIRST_SLOT; slot <= LAST_SLOT; slot++) {
    if (busy.has(slot)) continue;
    const net = `10.200.${slot}.0/30`;
    if (machineNets.some((n) => overlaps(net, n))) continue;
    return slot;
  }
  throw new OperationalError(
    `no free 10.200.I.0/30 link left (slots ${FIRST_SLOT}..${LAST_SLOT} are taken or overlap machine routes)`,
  );
}
