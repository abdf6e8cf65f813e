/**
 * The name a command that reads the class shows for its lab (`check`, `dashboard`): the
 * config's; with `--inventory FILE` and no config named, the file's, so a bare inventory
 * needs no config.
 */
import { basename } from 'node:path';
import type { CommandContext } from './context';
import type { InventoryChoice } from './options';

export function labName(ctx: CommandContext, choice: InventoryChoice): string {
  return choice.inventory !== undefined && ctx.configFile === undefined
    ? basename(choice.inventory)
    : ctx.config(choice).name;
}
