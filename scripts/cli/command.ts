/**
 * What every `streamlab` command module exports, and the parsing of its command line.
 * The errors it may throw and the exit statuses they map to are config/errors.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../config/errors';
import type { CommandContext } from './context';
import { singleDashHint } from './usage-hints';

/** A command's words and summary are in the table (./registry.ts), said once. */
export interface Command {
  /** Usage text printed by --help: synopsis, options, what it prints. */
  readonly usage: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/**
 * node:util parseArgs with strict checking turned into UsageError; a terraform-style
 * `-auto-approve` or `-json` is answered with our spelling instead of `Unknown option '-a'`.
 */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const hint = singleDashHint(args, Object.keys(options));
    throw new UsageError(hint ?? (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
