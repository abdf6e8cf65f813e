/**
 * `streamlab inventory --format ansible`: the hosts' records written as an Ansible YAML
 * inventory, and beside it a known_hosts file holding only each host's pinned key, which
 * the inventory names in ansible_ssh_common_args with StrictHostKeyChecking=yes: Ansible's
 * ssh then trusts exactly what streamlab pinned.
 */
import { renameSync, rmSync } from 'node:fs';
import { refuseSymlinks, writeNewFile } from '../../config/no-follow';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { toAnsibleInventory } from '../../provisioning/ansible-inventory';
import { knownHostsName } from '../../provisioning/engine/host-key';
import type { InventoryHost } from '../../provisioning/inventory';
import { pinnedHostKeys } from './known-hosts';

/** `inventory.yml` → `inventory.known_hosts` in the same folder. */
export function knownHostsBeside(file: string): string {
  return join(dirname(file), `${basename(file).replace(/\.ya?ml$/i, '')}.known_hosts`);
}

/** Whole or not at all, readable by the owner only (it names key files and addresses). */
function writeWhole(file: string, text: string): void {
  refuseSymlinks(file);
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    writeNewFile(tmp, text, 0o600);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export async function writeAnsibleInventory(
  file: string,
  hosts: readonly InventoryHost[],
): Promise<{ inventory: string; knownHosts: string }> {
  const inventory = resolve(file);
  const knownHosts = knownHostsBeside(inventory);
  // Every key is had (or refused) before anything is written.
  const keys = await Promise.all(hosts.map((h) => pinnedHostKeys(h)));
  const lines = hosts.flatMap((h, i) =>
    keys[i]!.map((k) => `${knownHostsName(h.address, h.port)} ${k}\n`),
  );
  writeWhole(knownHosts, lines.join(''));
  writeWhole(
    inventory,
    `# Written by \`streamlab inventory --format ansible\`; host keys pinned in ${basename(knownHosts)}.\n${stringify(toAnsibleInventory(hosts, knownHosts), { lineWidth: 0 })}`,
  );
  return { inventory, knownHosts };
}
