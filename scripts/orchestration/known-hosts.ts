/**
 * A known_hosts file for the system `ssh` that trusts exactly the pinned key. The key
 * pinned from the EC2 console (hostPublicKey) is written as it is. With only a
 * fingerprint, the key is fetched with ssh-keyscan (unauthenticated), so only keys whose
 * SHA256 fingerprint equals the pin are written; if none matches, nothing is written and
 * we refuse.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fingerprintOf,
  knownHostsName,
  normalizeFingerprint,
} from '../../provisioning/engine/host-key';
import type { InventoryHost } from '../../provisioning/inventory';
import { UserFacingError } from '../command';

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

export interface PinnedKnownHosts {
  readonly file: string;
  /** Removes the temporary file (and its directory). */
  dispose(): void;
}

export async function pinnedKnownHosts(host: InventoryHost): Promise<PinnedKnownHosts> {
  if (host.knownHostsFile) return { file: host.knownHostsFile, dispose: () => {} };
  if (host.hostPublicKey) return knownHostsFileOf(host, [host.hostPublicKey]);
  const pinned = host.hostKeyFingerprint!;
  let scan: string;
  try {
    const r = await promisify(execFile)(
      'ssh-keyscan',
      ['-T', '10', '-p', String(host.port), host.address],
      { timeout: 20_000 },
    );
    scan = r.stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string };
    if (err.code === 'ENOENT')
      throw new UserFacingError(
        'ssh-keyscan is not installed (Debian/Ubuntu: apt-get install openssh-client)',
      );
    scan = err.stdout ?? '';
  }
  const matching = linesMatchingPin(scan, pinned);
  if (matching.length === 0) {
    throw new UserFacingError(
      scan.trim()
        ? `${host.name}: ${host.address}:${host.port} presents no key with the pinned fingerprint ${normalizeFingerprint(pinned)}; refusing to connect (host key changed, or another machine answers)`
        : `${host.name}: no SSH host key could be read from ${host.address}:${host.port} (is the host up? try \`streamlab status\`)`,
    );
  }
  return knownHostsFileOf(
    host,
    matching.map((l) => l.split(/\s+/).slice(1, 3).join(' ')),
  );
}

/** A temporary known_hosts listing `keys` ("type base64") for the host. */
function knownHostsFileOf(host: InventoryHost, keys: readonly string[]): PinnedKnownHosts {
  // Named as ssh will look the host up ("[addr]:port" off port 22).
  const name = knownHostsName(host.address, host.port);
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-ssh-'));
  const file = join(dir, 'known_hosts');
  const text = keys.map((k) => `${name} ${k}`).join('\n');
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
