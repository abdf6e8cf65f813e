/**
 * Per-host SSH key pairs, generated locally with ssh-keygen. Only the public half ever
 * reaches AWS (the stack imports it as aws_key_pair), so no private key sits in Terraform
 * state.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { UserFacingError } from '../command';

export interface KeyPairResult {
  readonly privateKeyPath: string;
  readonly created: boolean;
}

/**
 * Ensures an ed25519 key pair at `privateKeyPath` (+ `.pub`). Existing keys are kept (a new
 * key would lock the operator out of running hosts); a private key readable by others is
 * tightened to 0600. Written under a temporary name and renamed: never half a pair.
 */
export async function ensureKeyPair(
  privateKeyPath: string,
  comment: string,
): Promise<KeyPairResult> {
  const publicKeyPath = `${privateKeyPath}.pub`;
  if (existsSync(privateKeyPath)) {
    if (!existsSync(publicKeyPath)) {
      throw new UserFacingError(
        `${privateKeyPath} exists without ${publicKeyPath}; recreate it with: ssh-keygen -y -f ${privateKeyPath} > ${publicKeyPath}`,
      );
    }
    if ((statSync(privateKeyPath).mode & 0o077) !== 0) chmodSync(privateKeyPath, 0o600);
    return { privateKeyPath, created: false };
  }
  mkdirSync(dirname(privateKeyPath), { recursive: true, mode: 0o700 });
  const tmp = `${privateKeyPath}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.pub`, { force: true });
  try {
    // An empty passphrase is not a secret; the key itself never leaves this machine.
    await promisify(execFile)('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      comment,
      '-f',
      tmp,
    ]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UserFacingError(
      err.code === 'ENOENT'
        ? 'ssh-keygen is not installed (Debian/Ubuntu: apt-get install openssh-client)'
        : `ssh-keygen failed: ${err.message}`,
    );
  }
  chmodSync(tmp, 0o600);
  renameSync(`${tmp}.pub`, publicKeyPath);
  renameSync(tmp, privateKeyPath);
  return { privateKeyPath, created: true };
}
