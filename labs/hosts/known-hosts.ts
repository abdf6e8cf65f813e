/**
 * A known_hosts file for the system `ssh` (and the handouts) that trusts exactly the pinned
 * key. The key pinned from the EC2 console (hostPublicKey) is written as it is. With only a
 * fingerprint, the key is fetched with ssh-keyscan (unauthenticated), so only keys whose
 * SHA256 fingerprint equals the pin are kept; if none matches, nothing is written and we
 * refuse.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fingerprintOf,
  keyTypeOf,
  knownHostKeys,
  knownHostsName,
  normalizeFingerprint,
} from '../../provisioning/engine/host-key';
import type { InventoryHost } from '../../provisioning/inventory';
import { OperationalError } from '../../config/errors';
import { CommandFailed, run } from '../../process/run';

/** ssh-keyscan lines (`name type base64`) whose key has the pinned fingerprint. */
export function linesMatchingPin(scan: string, pinned: string): string[] {
  const want = normalizeFingerprint(pinned);
  return scan
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .filter((l) => {
      const blob = l.split(/\s+/)[2];
      return blob !== undefined && fingerprintOf(Buffer.from(blob, 'base64')) === want;
    });
}

/** ssh-keyscan's argv: "--" before the address so it is never read as an option. */
export function keyscanArgs(host: { address: string; port: number }): string[] {
  return ['-T', '10', '-p', String(host.port), '--', host.address];
}

export interface PinnedKnownHosts {
  readonly file: string;
  /** Removes the temporary file (and its directory). */
  dispose(): void;
}

/**
 * The pinned host key(s) of an entry as `type base64` pairs: from its knownHostsFile when it
 * has one, else the console-pinned key, else what ssh-keyscan reads from the host, kept only where the fingerprint
 * equals the pin, or the public key pinned from the EC2 console.
 * Throws when no pinned key can be had (nothing is ever trusted unseen).
 */
export async function pinnedHostKeys(host: InventoryHost): Promise<string[]> {
  if (host.knownHostsFile) {
    let text: string;
    try {
      text = readFileSync(host.knownHostsFile, 'utf8');
    } catch (e) {
      throw new OperationalError(
        `${host.name}: cannot read its knownHostsFile ${host.knownHostsFile} (${(e as NodeJS.ErrnoException).code})`,
        { cause: e },
      );
    }
    const keys = knownHostKeys(text, host.address, host.port);
    if (keys.length === 0)
      throw new OperationalError(
        `${host.name}: ${host.knownHostsFile} lists no key for ${knownHostsName(host.address, host.port)}`,
      );
    return keys.map((k) => `${keyTypeOf(k)} ${k.toString('base64')}`);
  }
  if (host.hostPublicKey) return [host.hostPublicKey];
  const pinned = host.hostKeyFingerprint!;
  let scan: string;
  try {
    const r = await run(['ssh-keyscan', ...keyscanArgs(host)], {
      allowFailure: true,
      timeout: 20_000,
    });
    scan = r.stdout;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new OperationalError(
        'ssh-keyscan is not installed (Debian/Ubuntu: apt-get install openssh-client)',
      );
    // Timed out: keep the keys it read before the deadline.
    scan = e instanceof CommandFailed ? e.result.stdout : '';
  }
  const matching = linesMatchingPin(scan, pinned);
  if (matching.length === 0) {
    throw new OperationalError(
      scan.trim()
        ? `${host.name}: ${host.address}:${host.port} presents no key with the pinned fingerprint ${normalizeFingerprint(pinned)}; refusing to connect (host key changed, or another machine answers)`
        : `${host.name}: no SSH host key could be read from ${host.address}:${host.port} (is the host up? try \`streamlab status\`)`,
    );
  }
  return matching.map((l) => l.split(/\s+/).slice(1, 3).join(' '));
}

export async function pinnedKnownHosts(host: InventoryHost): Promise<PinnedKnownHosts> {
  if (host.knownHostsFile) return { file: host.knownHostsFile, dispose: () => {} };
  const keys = await pinnedHostKeys(host);
  // Named as ssh will look the host up ("[addr]:port" off port 22).
  const name = knownHostsName(host.address, host.port);
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-ssh-'));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, keys.map((k) => `${name} ${k}\n`).join(''), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
