/**
 * SSH keys on the machine side: the operator key (one per machine, reused by every host)
 * and each host's own ed25519 host key, generated before boot so its fingerprint is known
 * without trusting the host on first use.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { run } from '../process/run';

/** `256 SHA256:abc… comment (ED25519)` → `SHA256:abc…`. */
export function parseFingerprint(keygenOutput: string): string {
  const m = /(?:^|\s)(SHA256:[A-Za-z0-9+/]{43})(?:\s|$)/.exec(keygenOutput.trim());
  if (!m) throw new Error(`no SHA256 fingerprint in ssh-keygen output: ${keygenOutput.trim()}`);
  return m[1]!;
}

/** The fingerprint OpenSSH prints for a public key line (`ssh-ed25519 AAAA… comment`). */
export function fingerprintOfPublicKey(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key line: ${line}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

export async function fingerprintOf(pubKeyPath: string): Promise<string> {
  return parseFingerprint(
    (await run(['ssh-keygen', '-l', '-E', 'sha256', '-f', pubKeyPath])).stdout,
  );
}

async function generate(path: string, comment: string): Promise<void> {
  // Generate under a temporary name and rename, so a killed run never leaves half a key pair.
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.pub`, { force: true });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', tmp]);
  chmodSync(tmp, 0o600);
  renameSync(`${tmp}.pub`, `${path}.pub`);
  renameSync(tmp, path);
}

/** The operator's key, created once (0600) and reused; returns the private key path. */
export async function ensureOperatorKey(path: string): Promise<string> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return path;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await generate(path, 'streamlab-testhost');
  return path;
}

export interface HostKey {
  privateKey: Buffer;
  publicKey: string;
  fingerprint: string;
}

/** A fresh host key, generated in `scratchDir` (removed afterwards). */
export async function newHostKey(scratchDir: string, hostname: string): Promise<HostKey> {
  mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
  const path = `${scratchDir}/ssh_host_ed25519_key`;
  try {
    await generate(path, `root@${hostname}`);
    const fingerprint = await fingerprintOf(`${path}.pub`);
    return {
      privateKey: readFileSync(path),
      publicKey: readFileSync(`${path}.pub`, 'utf8'),
      fingerprint,
    };
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
