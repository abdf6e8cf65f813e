import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  fingerprintOf,
  knownHostKeys,
  normalizeFingerprint,
} from '../../../../provisioning/engine/host-key';

// An ed25519 public key blob as OpenSSH stores it (base64 of the wire format).
const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIBdEmR3m9zr0y9mRpHGZ5sK2Nn0tZ4wKZt7b2gUuXk4V';
const KEY = Buffer.from(BLOB, 'base64');
const OTHER = Buffer.from(
  'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'base64',
);

describe('host keys', () => {
  it('computes OpenSSH SHA256 fingerprints without padding and normalizes pinned ones', () => {
    const fp = fingerprintOf(KEY);
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(normalizeFingerprint(`${fp.slice(7)}=`)).toBe(fp);
  });

  it('accepts the pinned key and refuses another, naming both fingerprints', () => {
    const policy = { kind: 'fingerprint' as const, fingerprint: fingerprintOf(KEY) };
    expect(checkHostKey(policy, KEY, '10.0.0.2', 22)).toBeUndefined();
    const why = checkHostKey(policy, OTHER, '10.0.0.2', 22);
    expect(why).toContain('mismatch');
    expect(why).toContain(fingerprintOf(OTHER));
    expect(why).toContain(fingerprintOf(KEY));
  });

  it('accepts exactly the pinned public key and refuses another', () => {
    const policy = { kind: 'public-key' as const, key: `ssh-ed25519 ${BLOB}` };
    expect(checkHostKey(policy, KEY, '10.0.0.2', 22)).toBeUndefined();
    const why = checkHostKey(policy, OTHER, '10.0.0.2', 22);
    expect(why).toContain(`the server presented ${fingerprintOf(OTHER)}`);
    expect(why).toContain(`pins the key ${fingerprintOf(KEY)}`);
  });

  it('reads known_hosts: plain, [addr]:port, hashed, negated and @revoked entries', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('hashed.example').digest('base64')}`;
    const text = [
      '# comment',
      `10.0.0.2 ssh-ed25519 ${BLOB}`,
      `[10.0.0.3]:2222 ssh-ed25519 ${BLOB}`,
      `${hashed} ssh-ed25519 ${BLOB}`,
      `*.lab,!bad.lab ssh-ed25519 ${BLOB}`,
      `@revoked 10.0.0.9 ssh-ed25519 ${BLOB}`,
    ].join('\n');
    expect(knownHostKeys(text, '10.0.0.2', 22)).toHaveLength(1);
    expect(knownHostKeys(text, '10.0.0.3', 2222)).toHaveLength(1);
    expect(knownHostKeys(text, '10.0.0.3', 22)).toHaveLength(0);
    expect(knownHostKeys(text, 'hashed.example', 22)).toHaveLength(1);
    expect(knownHostKeys(text, 'good.lab', 22)).toHaveLength(1);
    expect(knownHostKeys(text, 'bad.lab', 22)).toHaveLength(0);
    expect(knownHostKeys(text, '10.0.0.9', 22)).toHaveLength(0);
  });

  it('checks against a known_hosts file and explains an unknown host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `10.0.0.2 ssh-ed25519 ${BLOB}\n`);
    const policy = { kind: 'known-hosts' as const, file };
    expect(checkHostKey(policy, KEY, '10.0.0.2', 22)).toBeUndefined();
    expect(checkHostKey(policy, OTHER, '10.0.0.2', 22)).toMatch(/mismatch/);
    expect(checkHostKey(policy, KEY, '10.0.0.7', 22)).toMatch(/not in/);
    expect(checkHostKey({ kind: 'known-hosts', file: join(dir, 'nope') }, KEY, 'x', 22)).toMatch(
      /ENOENT/,
    );
  });

  it('honours @revoked as OpenSSH does: a revoked key is refused even where another line lists it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      [
        `10.0.0.2,10.0.0.3 ssh-ed25519 ${BLOB}`,
        `@revoked * ssh-ed25519 ${BLOB}`,
        `10.0.0.3 ssh-ed25519 ${OTHER.toString('base64')}`,
      ].join('\n'),
    );
    expect(knownHostKeys(readFileSync(file, 'utf8'), '10.0.0.2', 22)).toEqual([]);
    expect(checkHostKey({ kind: 'known-hosts', file }, KEY, '10.0.0.2', 22)).toMatch(/revoked/);
    // Another, unrevoked key of the same host is still accepted.
    expect(checkHostKey({ kind: 'known-hosts', file }, OTHER, '10.0.0.3', 22)).toBeUndefined();
    expect(checkHostKey({ kind: 'known-hosts', file }, KEY, '10.0.0.3', 22)).toMatch(/revoked/);
  });
});
