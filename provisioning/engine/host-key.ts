/**
 * Host-key verification: a pinned `SHA256:…` fingerprint (what EC2 console output and
 * `streamlab lab host up --json` give us) or an OpenSSH known_hosts file. Nothing is
 * trusted on first use unless the caller asks for it explicitly.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** OpenSSH's fingerprint format: SHA256 of the key blob, base64 without padding. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a public key blob names first (`ssh-ed25519`), as known_hosts writes it. */
export function keyTypeOf(keyBlob: Buffer): string {
  const length = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const type = keyBlob.subarray(4, 4 + length).toString('latin1');
  if (length === 0 || 4 + length > keyBlob.length || !/^[a-z0-9@.-]+$/.test(type))
    throw new Error('not an SSH public key blob (no key type at its start)');
  return type;
}

/** Accepts "SHA256:abc", "SHA256:abc=" or "abc" and returns the canonical "SHA256:abc". */
export function normalizeFingerprint(fp: string): string {
  const body = fp
    .trim()
    .replace(/^SHA256:/, '')
    .replace(/=+$/, '');
  return `SHA256:${body}`;
}

export const FINGERPRINT_PATTERN = /^(SHA256:)?[A-Za-z0-9+/]{43}=?$/;

/** A known_hosts key field: algorithm and base64 blob, no comment. */
export const PUBLIC_KEY_PATTERN =
  /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}$/;

/** How known_hosts names a host: bare for port 22, "[addr]:port" otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function hostPatternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    // Hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  const glob = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return glob.test(name);
}

/** A host's entries in a known_hosts text: keys it lists, and keys marked @revoked. */
export interface KnownHostEntries {
  readonly keys: Buffer[];
  readonly revoked: Buffer[];
}

/** The known_hosts lines whose patterns match the host (negated patterns honoured). */
export function knownHostEntries(text: string, address: string, port: number): KnownHostEntries {
  const name = knownHostsName(address, port);
  const keys: Buffer[] = [];
  const revoked: Buffer[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , blob] = fields;
    if (!patterns || !blob || marker === '@cert-authority') continue;
    let match = false;
    for (const p of patterns.split(',')) {
      if (p.startsWith('!')) {
        if (hostPatternMatches(p.slice(1), name)) {
          match = false;
          break;
        }
      } else if (hostPatternMatches(p, name)) match = true;
    }
    if (match) (marker === '@revoked' ? revoked : keys).push(Buffer.from(blob, 'base64'));
  }
  return { keys, revoked };
}

/**
 * Key blobs known_hosts accepts for a host: as in OpenSSH, a key marked @revoked for the
 * host is never accepted, whatever other line lists it.
 */
export function knownHostKeys(text: string, address: string, port: number): Buffer[] {
  const { keys, revoked } = knownHostEntries(text, address, port);
  return keys.filter((k) => !revoked.some((r) => r.equals(k)));
}

/** What a connection checks the server's key against. */
export type HostKeyPolicy =
  | { readonly kind: 'fingerprint'; readonly fingerprint: string }
  /** The key itself, "ssh-ed25519 AAAA…" (a known_hosts key field). */
  | { readonly kind: 'public-key'; readonly key: string }
  | { readonly kind: 'known-hosts'; readonly file: string }
  | { readonly kind: 'accept-any' }
  | AcceptNewPolicy;

/**
 * Explicit trust on first use (`--accept-new-host-keys`), like OpenSSH's
 * StrictHostKeyChecking=accept-new: the first key presented is accepted and recorded;
 * from then on this policy pins it, and the caller saves `recorded` so later runs pin it
 * too. Never the default.
 */
export interface AcceptNewPolicy {
  readonly kind: 'accept-new';
  /** The fingerprint accepted first; undefined until a server presented a key. */
  recorded?: string;
}

export function acceptNewPolicy(): AcceptNewPolicy {
  return { kind: 'accept-new' };
}

/** Decides on a presented key; returns undefined when accepted, else why not. */
export function checkHostKey(
  policy: HostKeyPolicy,
  key: Buffer,
  address: string,
  port: number,
): string | undefined {
  const presented = fingerprintOf(key);
  switch (policy.kind) {
    case 'accept-any':
      return undefined;
    case 'accept-new':
      if (policy.recorded === undefined) {
        policy.recorded = presented;
        return undefined;
      }
      return presented === policy.recorded
        ? undefined
        : `host key changed: the server presented ${presented}, but ${policy.recorded} was accepted first`;
    case 'fingerprint': {
      const pinned = normalizeFingerprint(policy.fingerprint);
      return presented === pinned
        ? undefined
        : `host key mismatch: the server presented ${presented}, the inventory pins ${pinned}`;
    }
    case 'public-key': {
      const pinned = Buffer.from(policy.key.split(' ')[1] ?? '', 'base64');
      return pinned.equals(key)
        ? undefined
        : `host key mismatch: the server presented ${presented}, the inventory pins the key ${fingerprintOf(pinned)}`;
    }
    case 'known-hosts': {
      let text: string;
      try {
        text = readFileSync(policy.file, 'utf8');
      } catch (e) {
        return `cannot read known_hosts file ${policy.file} (${(e as NodeJS.ErrnoException).code})`;
      }
      if (knownHostEntries(text, address, port).revoked.some((r) => r.equals(key)))
        return `host key ${presented} is marked @revoked in ${policy.file}: refusing it`;
      const known = knownHostKeys(text, address, port);
      if (known.length === 0)
        return `${knownHostsName(address, port)} is not in ${policy.file} (server key ${presented})`;
      return known.some((k) => k.equals(key))
        ? undefined
        : `host key mismatch: the server presented ${presented}, which ${policy.file} does not list for ${knownHostsName(address, port)}`;
    }
  }
}
