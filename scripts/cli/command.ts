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
 * node:util parseArgs with strict checking, its complaints about the line (ERR_PARSE_ARGS_*)
 * turned into UsageError; a terraform-style `-auto-approve` or `-json` is answered with our
 * spelling instead of `Unknown option '-a'`. Anything else it throws (a bad declaration) is
 * a bug and passes as it is.
 */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    if (!String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) throw e;
    const hint = singleDashHint(args, Object.keys(options));
    throw new UsageError(hint ?? (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
