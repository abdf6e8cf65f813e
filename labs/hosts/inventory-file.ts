/**
 * The inventory `up` saves (`.streamlab/<name>/inventory.json`; `lab up` its offline one)
 * and every later command (status, tail, logs, ssh, handout, provision --inventory) reads:
 * the hosts' records, written atomically with 0700/0600 modes, validated with the
 * provisioner's own schema before it is written.
 */
import { existsSync, rmSync } from 'node:fs';
import {
  loadInventory,
  parseInventory,
  type Inventory,
  type InventoryHost,
} from '../../provisioning/inventory';
import type { LabConfig } from '../../config/schema';
import { EXIT, UsageError, UserFacingError } from '../../scripts/cli/command';
import { writePrivateFileAtomic } from '../local-state/private-file';
import { inventoryPathFor } from '../local-state/paths';

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

/** Loads a saved inventory; a missing default one means `up` never ran. */
export function readInventory(file: string, isDefault: boolean): Inventory {
  if (!existsSync(file)) {
    throw new UserFacingError(
      isDefault
        ? `no inventory at ${file}: the lab is not up (run \`streamlab up\` first, or pass --inventory FILE)`
        : `--inventory: ${file} does not exist`,
      isDefault ? EXIT.failed : EXIT.usage,
    );
  }
  return loadInventory(file);
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

/**
 * The inventory a host command works on: `--inventory FILE` when given (the offline lab's
 * works too, no config needed), else the one `up` saved for the config's lab.
 */
export function commandInventory(
  inventoryOption: string | undefined,
  loadLabConfig: () => LabConfig,
): { inventory: Inventory; file: string } {
  if (inventoryOption) {
    return { inventory: readInventory(inventoryOption, false), file: inventoryOption };
  }
  const file = inventoryPathFor(loadLabConfig().name);
  return { inventory: readInventory(file, true), file };
}
