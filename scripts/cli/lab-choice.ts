/**
 * Which lab a command that reads the class (`check`, `dashboard`) shows, and its name:
 * `--offline` is the offline lab; a bare `--inventory FILE` (no config named) whose hosts all
 * write to an endpoint of their own (an emulator) is an offline lab named after the file, so
 * it needs no config; anything else is the AWS lab of the config. A rehearsal's hosts also
 * name an endpoint (moto's gate), and it has a config: it stays an AWS lab.
 */
import { basename } from 'node:path';
import type { InventoryHost } from '../../provisioning/inventory';
import type { CommandContext } from './context';
import type { InventoryChoice } from './options';

export function chosenLab(
  ctx: CommandContext,
  choice: InventoryChoice,
  hosts: readonly InventoryHost[],
): { readonly lab: string; readonly mode: 'aws' | 'offline' } {
  if (choice.offline) return { lab: ctx.config(choice).name, mode: 'offline' };
  if (
    choice.inventory !== undefined &&
    ctx.configFile === undefined &&
    hosts.length > 0 &&
    hosts.every((h) => h.endpoint !== undefined)
  )
    return { lab: basename(choice.inventory), mode: 'offline' };
  return { lab: ctx.config(choice).name, mode: 'aws' };
}
