/**
 * The inventory `up` saves (`.streamlab/<name>/inventory.json`; `lab up` its offline one)
 * and every later command (status, tail, logs, ssh, handout, provision) reads: the hosts'
 * records, written atomically with 0700/0600 modes, validated with the provisioner's own
 * schema before it is written. Which one a command reads is the command context's choice
 * (scripts/cli/context.ts).
 */
import { existsSync, rmSync } from 'node:fs';
import {
  loadInventory,
  parseInventory,
  type Inventory,
  type InventoryHost,
} from '../../provisioning/inventory';
import { UsageError } from '../../config/errors';
import { writePrivateFileAtomic } from '../local-state/private-file';

/** Writes the inventory atomically (temp file + rename); refuses hosts without a pinned key. */
export function writeInventory(file: string, hosts: readonly InventoryHost[]): Inventory {
  const inventory = parseInventory({ hosts }, file);
  writePrivateFileAtomic(file, `${JSON.stringify(inventory, null, 2)}\n`);
  return inventory;
}

export function removeInventory(file: string): boolean {
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

/** The hosts a saved inventory lists, or none: a missing or unreadable file is no error here. */
export function savedHosts(file: string): InventoryHost[] {
  try {
    return existsSync(file) ? loadInventory(file).hosts : [];
  } catch {
    return [];
  }
}

/** The entry for HOST, or a usage error listing the hosts there are. */
export function findHost(inventory: Inventory, name: string): InventoryHost {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) {
    throw new UsageError(
      `unknown host "${name}"; the inventory has: ${inventory.hosts.map((h) => h.name).join(', ')}`,
    );
  }
  return host;
}
