/**
 * `--offline` on host commands (ssh, logs): the offline lab's inventory instead of the
 * AWS one, found from the same config `lab up` used.
 */
import { UsageError } from '../cli/command';
import { loadOfflineConfig } from './lab-config';
import { offlineInventoryPath } from './record';

export function offlineOr(
  offline: boolean | undefined,
  inventory: string | undefined,
  configFile: string | undefined,
): string | undefined {
  if (!offline) return inventory;
  if (inventory) throw new UsageError('--offline and --inventory name two inventories: give one');
  return offlineInventoryPath(loadOfflineConfig(configFile).config.name);
}
