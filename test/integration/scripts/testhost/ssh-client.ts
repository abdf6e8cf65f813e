/**
 * The real OpenSSH client against a test host, pinned: known_hosts is written from the host
 * key streamlab generated, StrictHostKeyChecking=yes and BatchMode, so a wrong key or a
 * password prompt fails instead of hanging or trusting on first use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryHost } from '../../../../provisioning/inventory';

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function knownHostsFile(address: string, publicKeyLine: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
  const [type, blob] = publicKeyLine.trim().split(/\s+/);
  const path = join(dir, 'known_hosts');
  writeFileSync(path, `${address} ${type} ${blob}\n`);
  return path;
}

export function ssh(
  host: InventoryHost,
  knownHosts: string,
  command: string,
  opts: { user?: string; timeoutMs?: number } = {},
): SshResult {
  const r = spawnSync(
    'ssh',
    [
      '-i',
      host.privateKeyPath,
      '-p',
      String(host.port),
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'ConnectTimeout=10',
      '--',
      `${opts.user ?? host.user}@${host.address}`,
      command,
    ],
    { encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 },
  );
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
