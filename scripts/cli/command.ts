/**
 * What every `streamlab` command module exports, and the errors the dispatcher
 * maps to exit statuses (documented in docs/commands.md).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../../config/errors';
import { singleDashHint } from './usage-hints';

export interface CommandContext {
  /** Value of the global `--config FILE` (accepted anywhere on the line), if given. */
  readonly configFile?: string;
}

/** A command's words and summary are in the table (./registry.ts), said once. */
export interface Command {
  /** Usage text printed by --help: synopsis, options, what it prints. */
  readonly usage: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** Exit statuses, a public contract. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/**
 * A mistake on the command line: input like a bad config (exit 2), printed with where to
 * find the command's usage.
 */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }

  override shown(helpHint: string): string {
    return `${this.message}\nsee \`${helpHint}\``;
  }
}

/**
 * Runs a check of a value from the command line whose failure is a plain Error where the
 * check is shared (validateHostName serves the testhost API too): here it is a usage error.
 */
export function asUsageError<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A failure the user can act on: printed without a stack trace, exit 1 unless told. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
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
