/**
 * Per-host SSH key pairs, generated locally with ssh-keygen. Only the public half ever
 * reaches AWS (the stack imports it as aws_key_pair), so no private key sits in Terraform
 * state.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { hostNames, keyPathFor } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import { OperationalError } from '../../config/errors';
import { refuseSymlinks } from '../../config/no-follow';
import { run } from '../../process/run';

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
  // A planted link here would have us chmod (or ssh-keygen overwrite) its target.
  refuseSymlinks(privateKeyPath);
  refuseSymlinks(publicKeyPath);
  if (existsSync(privateKeyPath)) {
    if (!existsSync(publicKeyPath)) {
      throw new OperationalError(
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
    await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', tmp]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new OperationalError(
      err.code === 'ENOENT'
        ? 'ssh-keygen is not installed (Debian/Ubuntu: apt-get install openssh-client)'
        : `ssh-keygen failed: ${err.message}`,
      { cause: e },
    );
  }
  chmodSync(tmp, 0o600);
  renameSync(`${tmp}.pub`, publicKeyPath);
  renameSync(tmp, privateKeyPath);
  return { privateKeyPath, created: true };
}

/** A key path as the user would type it: relative to the working directory when inside it. */
export const shownKeyPath = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

/**
 * Ensures a key pair for every host of the lab, as `init` does, so `synth`, `plan` and `up`
 * work from a fresh clone. Says which pairs it created (kept ones are silent). A public
 * key alone is kept too: the stack needs only it, and its host may already run with it.
 */
export async function ensureLabKeys(
  config: LabConfig,
  say: (line: string) => void = (l) => console.error(l),
): Promise<KeyPairResult[]> {
  const results: KeyPairResult[] = [];
  for (const host of hostNames(config)) {
    const { privateKeyPath, publicKeyPath } = keyPathFor(config, host);
    refuseSymlinks(publicKeyPath);
    if (existsSync(publicKeyPath) && !existsSync(privateKeyPath)) {
      results.push({ privateKeyPath, created: false });
      continue;
    }
    const r = await ensureKeyPair(privateKeyPath, `streamlab-${config.name}-${host}`);
    if (r.created) say(`created SSH key pair ${shownKeyPath(privateKeyPath)}{,.pub} for ${host}`);
    results.push(r);
  }
  return results;
}
