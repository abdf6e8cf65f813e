/**
 * Students' own public keys (config `students[].publicKey`): real keys made by ssh-keygen
 * of each accepted type and size pass; weak keys, authorized_keys options, a second key,
 * control bytes and blobs that lie about their type are refused, naming the field.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostNames, studentPublicKey } from '../../../config/hosts';
import { parseConfig } from '../../../config/load';
import { parseStudentPublicKey } from '../../../config/ssh-public-key';
import { runSync } from '../../../process/run';

const dir = mkdtempSync(join(tmpdir(), 'streamlab-student-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A public key line from ssh-keygen, as in the student's .pub file (one per type and size). */
function keygen(type: string, bits?: number): string {
  const file = join(dir, `${type}-${bits ?? 0}`);
  if (existsSync(`${file}.pub`)) return readFileSync(`${file}.pub`, 'utf8');
  runSync([
    'ssh-keygen',
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    'ana@laptop',
    '-f',
    file,
  ]);
  return readFileSync(`${file}.pub`, 'utf8');
}

const ed25519 = keygen('ed25519');
const problem = (text: string) => {
  const r = parseStudentPublicKey(text);
  return 'problem' in r ? r.problem : undefined;
};

describe('parseStudentPublicKey', () => {
  it.each([
    ['ed25519', ed25519],
    ['ecdsa P-256', keygen('ecdsa', 256)],
    ['ecdsa P-384', keygen('ecdsa', 384)],
    ['ecdsa P-521', keygen('ecdsa', 521)],
    ['rsa 3072', keygen('rsa', 3072)],
  ])(
    'accepts %s as ssh-keygen writes it, and keeps type and blob without the comment',
    (_, pub) => {
      const [type, blob] = pub.trim().split(' ');
      expect(parseStudentPublicKey(pub)).toEqual({ type, blob });
    },
  );

  it('refuses an RSA key under 3072 bits, saying its size', () => {
    expect(problem(keygen('rsa', 2048))).toBe(
      'its RSA modulus has 2048 bits; at least 3072 are required (or use ed25519)',
    );
  });

  it('refuses authorized_keys options before the key', () => {
    for (const options of ['command="curl x|sh"', 'from="10.0.0.0/8"', 'no-pty,permitopen="*:*"'])
      expect(problem(`${options} ${ed25519}`)).toMatch(/^starts with authorized_keys options/);
  });

  it('refuses a second key, on the same line or the next', () => {
    const rsa = keygen('rsa', 3072).trim();
    expect(problem(`${ed25519.trim()} ${rsa}`)).toBe('holds more than one key: give exactly one');
    expect(problem(`${ed25519.trim()} ${rsa.split(' ')[1]}`)).toBe(
      'holds more than one key: give exactly one',
    );
    expect(problem(`${ed25519}${rsa}`)).toMatch(/^holds control character \\x0a/);
  });

  it('refuses control bytes anywhere, even in the comment', () => {
    expect(problem(`${ed25519.trim()}\u001b[2J`)).toMatch(/^holds control character \\x1b/);
    expect(problem(`${ed25519.trim()}\r`)).toMatch(/^holds control character \\x0d/);
  });

  it('refuses a blob that is not the type written before it, or is cut short', () => {
    const [, blob] = ed25519.split(' ');
    expect(problem(`ssh-rsa ${blob}`)).toBe('its key blob says "ssh-ed25519", not ssh-rsa');
    const short = Buffer.from(blob!, 'base64').subarray(0, 40).toString('base64');
    expect(problem(`ssh-ed25519 ${short}`)).toBe('its base64 part is not an OpenSSH key blob');
  });

  it('refuses a private key, DSA and security keys, and text that is no key', () => {
    expect(problem('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe(
      'is a PRIVATE key: give the public key (the .pub file) only',
    );
    expect(problem('ssh-dss AAAAB3NzaC1kc3MAAACBAP')).toMatch(/^is not an OpenSSH public key/);
    expect(problem('sk-ssh-ed25519@openssh.com AAAA')).toMatch(/^is not an OpenSSH public key/);
    expect(problem('ssh-ed25519')).toBe('has no base64 key after ssh-ed25519');
  });
});

describe('students[].publicKey in the config', () => {
  const base = { name: 'lab', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };

  it('gives the host names, and each key without its comment', () => {
    const c = parseConfig({ ...base, students: ['bruno', { name: 'ana', publicKey: ed25519 }] });
    expect(hostNames(c)).toEqual(['bruno', 'ana']);
    expect(studentPublicKey(c, 'ana')).toBe(ed25519.trim().split(' ').slice(0, 2).join(' '));
    expect(studentPublicKey(c, 'bruno')).toBeUndefined();
    // What was parsed parses again (configs are spread and re-checked).
    expect(parseConfig(c)).toEqual(c);
  });

  it('refuses a bad key with exit 2, naming the field path and not echoing the value', () => {
    const run = () =>
      parseConfig({
        ...base,
        students: ['bruno', { name: 'ana', publicKey: `command="touch /tmp/x" ${ed25519}` }],
      });
    expect(run).toThrow(
      'students[1].publicKey: starts with authorized_keys options (such as command= or from=)',
    );
    try {
      run();
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
      expect((e as Error).message).not.toContain('touch');
    }
  });

  it('still names a bad bare name, a duplicate across both forms, and an entry of neither form', () => {
    expect(() => parseConfig({ ...base, students: ['Bob!'] })).toThrow(
      'students[0]: "Bob!" is not a DNS-safe name',
    );
    expect(() =>
      parseConfig({ ...base, students: ['ana', { name: 'ana', publicKey: ed25519 }] }),
    ).toThrow('students[1]: "ana" is listed twice');
    expect(() => parseConfig({ ...base, students: [7] })).toThrow(
      'students[0]: must be a name, or a mapping with name and publicKey',
    );
    expect(() =>
      parseConfig({ ...base, students: [{ name: 'ana', publicKey: ed25519, shell: 'x' }] }),
    ).toThrow('students[0].shell: unknown key');
  });
});
