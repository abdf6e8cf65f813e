/**
 * What a command works on, resolved in one place and once per command: the lab config and
 * the inventory. The rules are said here alone: which config file (`--config FILE`, else
 * $STREAMLAB_CONFIG, else ./streamlab.yaml), which config the offline lab runs, and which
 * inventory `--inventory FILE` or `--offline` names (else the one `up` saved). Each is read
 * on first use and kept.
 *
 * The readers load zod and yaml, so they are required on first use: a command that needs
 * no config (`lab host list`) never pays for them, and `--help` loads none of it.
 */
import { streamlab } from '../../config/command-form';
import { existsSync } from 'node:fs';
import { InputError, OperationalError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import type { Inventory } from '../../provisioning/inventory';
import type { OfflineConfig } from '../../labs/offline/lab-config';
import { appliedPathFor, inventoryPathFor } from '../../labs/local-state/paths';
import { describeUnprovisioned, readAppliedLab } from '../../labs/hosts/applied-lab';
import { offlineInventoryPath } from '../../labs/offline/record';
import type { InventoryChoice } from './options';

export interface CommandContext {
  /** The file `--config` or $STREAMLAB_CONFIG named, if any (what `init` writes). */
  readonly configFile?: string;
  /**
   * The lab config: the named file, else ./streamlab.yaml. With `{ offline: true }` (the
   * command's --offline), the offline lab's instead (see offlineConfig).
   */
  config(choice?: Pick<InventoryChoice, 'offline'>): LabConfig;
  /**
   * The config the offline lab runs (the named file, ./streamlab.yaml if there is one,
   * else the example), with the synthetic source, and where it came from.
   */
  offlineConfig(): OfflineConfig;
  /**
   * The hosts' records the command's --inventory / --offline name: the offline lab's
   * inventory, the given file, else the one `up` saved for the config's lab.
   */
  inventory(choice: InventoryChoice): Inventory;
}

export interface ContextOptions {
  /** The global `--config FILE`, when given. */
  readonly configFile?: string;
  /** Where $STREAMLAB_CONFIG is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Loads `make()` once, on the first call. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function commandContext(opts: ContextOptions = {}): CommandContext {
  // STREAMLAB_CONFIG names the config when --config does not, for every command alike
  // (the CDK Terrain app, stacks/main.ts, reads it too).
  const configFile = opts.configFile ?? ((opts.env ?? process.env).STREAMLAB_CONFIG || undefined);

  const awsConfig = once((): LabConfig => {
    const { DEFAULT_CONFIG_FILE, loadConfig } =
      require('../../config/load') as typeof import('../../config/load');
    return loadConfig(configFile ?? DEFAULT_CONFIG_FILE);
  });
  const offlineConfig = once((): OfflineConfig => {
    const { loadOfflineConfig, offlineVariant } =
      require('../../labs/offline/lab-config') as typeof import('../../labs/offline/lab-config');
    const { config, source } = loadOfflineConfig(configFile);
    return { config: offlineVariant(config), source };
  });
  const config = (choice?: Pick<InventoryChoice, 'offline'>) =>
    choice?.offline ? offlineConfig().config : awsConfig();

  const inventories = new Map<string, Inventory>();
  const inventory = (choice: InventoryChoice): Inventory => {
    const key = JSON.stringify([choice.offline, choice.inventory ?? null]);
    if (!inventories.has(key)) inventories.set(key, readChosenInventory(choice, config));
    return inventories.get(key)!;
  };

  return { ...(configFile === undefined ? {} : { configFile }), config, offlineConfig, inventory };
}

/**
 * The inventory file the choice names, read with the provisioner's own schema. A file that
 * is not there is a file to create (exit 1), and the message says how.
 */
function readChosenInventory(choice: InventoryChoice, config: CommandContext['config']): Inventory {
  const { loadInventory } =
    require('../../provisioning/inventory') as typeof import('../../provisioning/inventory');
  const missing = (message: string) => new InputError(message, { exitCode: 1 });
  let file: string;
  if (choice.offline) {
    const { name } = config(choice);
    file = offlineInventoryPath(name);
    if (!existsSync(file))
      throw missing(`no offline lab ${name} here: start it with \`streamlab lab up\``);
  } else if (choice.inventory !== undefined) {
    file = choice.inventory;
    if (!existsSync(file))
      throw missing(
        `cannot read the inventory ${file} (--inventory: ${file} does not exist); run \`streamlab up\` first, or pass another --inventory FILE`,
      );
  } else {
    const { name } = config();
    file = inventoryPathFor(name);
    if (!existsSync(file)) {
      const applied = readAppliedLab(appliedPathFor(name));
      if (applied)
        throw new OperationalError(describeUnprovisioned(name, applied), {
          hint: `next: \`${streamlab('up')}\` resumes (discovery and provisioning), \`${streamlab('down')}\` removes the lab`,
        });
      throw missing(
        `no inventory at ${file}: the lab is not up (run \`streamlab up\` first, or pass --inventory FILE)`,
      );
    }
  }
  return loadInventory(file);
}
