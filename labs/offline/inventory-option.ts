/**
 * `--offline` on the host commands (status, tail, logs, ssh, handout): the offline lab's
 * inventory instead of the AWS one, found from the same config `lab up` used. The records
 * in either carry the stream, region and endpoint, so past this choice the commands run
 * one code path for both labs.
 */
import { existsSync } from 'node:fs';
import type { LabConfig } from '../../config/schema';
import type { Inventory } from '../../provisioning/inventory';
import { EXIT, UserFacingError } from '../../scripts/cli/command';
import type { InventoryChoice } from '../../scripts/cli/options';
import { commandInventory } from '../hosts/inventory-file';
import { loadOfflineConfig } from './lab-config';
import { offlineInventoryPath } from './record';

/** The inventory the options name: --offline's, --inventory's, else the one `up` saved. */
export function chosenInventory(
  choice: InventoryChoice,
  configFile: string | undefined,
  loadLabConfig: () => LabConfig,
): { inventory: Inventory; file: string } {
  if (!choice.offline) return commandInventory(choice.inventory, loadLabConfig);
  const { name } = loadOfflineConfig(configFile).config;
  const file = offlineInventoryPath(name);
  if (!existsSync(file))
    throw new UserFacingError(
      `no offline lab ${name} here: start it with \`streamlab lab up\``,
      EXIT.failed,
    );
  return commandInventory(file, loadLabConfig);
}
