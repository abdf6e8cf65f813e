import { runSync } from '../../../process/run';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureOperatorKey,
  fingerprintOf,
  fingerprintOfPublicKey,
  newHostKey,
  parseFingerprint,
} from '../../../testhost/sshkeys';

describe('SSH key fingerprints', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('extracts SHA256:… from ssh-keygen -l output', () => {
    const fp = 'SHA256:0yFRvL+/75unwF0b/t7zHtbdP3gbxRgdCYjdrjCj9yg';
    expect(parseFingerprint(`256 ${fp} root@h1 (ED25519)\n`)).toBe(fp);
    expect(() => parseFingerprint('256 MD5:aa:bb root@h1 (ED25519)')).toThrow(
      /no SHA256 fingerprint/,
    );
  });

  it('computes from the public key line what ssh-keygen prints', async () => {
    runSync(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    const fromKeygen = await fingerprintOf(join(dir, 'k.pub'));
    expect(fromKeygen).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprintOfPublicKey(readFileSync(join(dir, 'k.pub'), 'utf8'))).toBe(fromKeygen);
  });

  it('creates the operator key once, 0600, and reuses it', async () => {
    const path = join(dir, 'sub', 'id_ed25519');
    await ensureOperatorKey(path);
    const first = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${path}.pub`, 'utf8')).toMatch(/^ssh-ed25519 /);
    await ensureOperatorKey(path);
    expect(readFileSync(path, 'utf8')).toBe(first);
  });

  it('gives every host key its own fingerprint and cleans its scratch dir', async () => {
    const a = await newHostKey(join(dir, 'a'), 'h1');
    const b = await newHostKey(join(dir, 'b'), 'h2');
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(fingerprintOfPublicKey(a.publicKey)).toBe(a.fingerprint);
    expect(a.privateKey.toString()).toContain('OPENSSH PRIVATE KEY');
    expect(() => statSync(join(dir, 'a'))).toThrow();
  });
});
