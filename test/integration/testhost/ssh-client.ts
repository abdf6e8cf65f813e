/**
 * The real OpenSSH client against a test host, pinned: known_hosts is written from the host
 * key streamlab generated, StrictHostKeyChecking=yes and BatchMode, so a wrong key or a
 * password prompt fails instead of hanging or trusting on first use. The argv is the one
 * `streamlab ssh` runs (labs/hosts/ssh-argv.ts), in batch mode.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryHost } from '../../../provisioning/inventory';
import { sshArgs } from '../../../labs/hosts/ssh-argv';
import { runSync } from '../../../process/run';

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
  const argv = [
    'ssh',
    ...sshArgs({ ...host, user: opts.user ?? host.user }, knownHosts, [command], {
      batch: { connectTimeoutS: 10 },
    }),
  ];
  // Past the deadline it throws a CommandFailed saying so, with what ssh printed.
  const { code, stdout, stderr } = runSync(argv, {
    allowFailure: true,
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code, stdout, stderr };
}
