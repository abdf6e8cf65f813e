/**
 * What an inventory `address` may be: an IPv4 or IPv6 literal, or an RFC 1123 host name.
 * Nothing else reaches ssh, ssh-keyscan or an ssh_config: a leading "-" would be an
 * option, whitespace or a newline a new argument or directive, "@" a user.
 */
import { isIPv4, isIPv6 } from 'node:net';

// A label: letters, digits and inner hyphens, 1-63 characters (RFC 1123 §2.1).
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isHostName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

function isIPv6Literal(s: string): boolean {
  // A zone (fe80::1%eth0) is an interface name: keep it to interface-name characters.
  const [addr, zone, ...rest] = s.split('%');
  if (rest.length > 0 || (zone !== undefined && !/^[A-Za-z0-9_.]{1,15}$/.test(zone))) return false;
  return isIPv6(addr!);
}

export function isHostAddress(s: string): boolean {
  return isIPv4(s) || isIPv6Literal(s) || isHostName(s);
}
