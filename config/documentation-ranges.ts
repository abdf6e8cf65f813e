/**
 * The address ranges reserved for documentation (RFC 5737, RFC 3849): an `operatorCidr` in
 * one is the example's placeholder, not the operator's address, and SSH from the operator
 * would be refused by the security group. `plan` and `up` warn about it.
 */
import { BlockList, isIPv4 } from 'node:net';

const RANGES: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['192.0.2.0', 24, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['2001:db8::', 32, 'ipv6'],
];

/** The documentation range `cidr`'s address lies in, e.g. `203.0.113.0/24`; else undefined. */
export function documentationRangeOf(cidr: string): string | undefined {
  const address = cidr.split('/')[0]!;
  const type = isIPv4(address) ? 'ipv4' : 'ipv6';
  for (const [net, prefix, family] of RANGES) {
    if (family !== type) continue;
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    if (list.check(address, type)) return `${net}/${prefix}`;
  }
  return undefined;
}

/** The warning `plan`/`up` print for such an operatorCidr, or undefined. */
export function operatorCidrWarning(cidr: string): string | undefined {
  const range = documentationRangeOf(cidr);
  if (!range) return undefined;
  return (
    `operatorCidr ${cidr} is in ${range}, an address range reserved for documentation: ` +
    'SSH from your machine would be refused. Set it to your public IP address/32 ' +
    '(https://checkip.amazonaws.com shows it)'
  );
}
