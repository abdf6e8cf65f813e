/**
 * The lab config a command works on: the file the dispatcher put in the context (`--config
 * FILE`, else $STREAMLAB_CONFIG), else ./streamlab.yaml. Said here once instead of in
 * every command; it loads zod and yaml, so only commands that read a config import it.
 */
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import type { LabConfig } from '../../config/schema';
import type { CommandContext } from './command';

export function commandConfig(ctx: CommandContext): LabConfig {
  return loadConfig(ctx.configFile ?? DEFAULT_CONFIG_FILE);
}
