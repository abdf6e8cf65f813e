/**
 * The one root of the errors streamlab prints to a user, and its two kinds: input the user
 * must fix (exit 2) and an operation that failed (exit 1). Anything else that reaches the
 * dispatcher is a bug and keeps its stack trace. It imports nothing, so the dispatcher
 * recognises these without loading zod or yaml (`streamlab --help` stays light), and every
 * floor (config, stacks, provisioning, the labs, the test host) throws them directly: code
 * that meets one lets it through instead of wrapping it in another class.
 */

/** Exit statuses, a public contract (docs/commands.md). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

export interface StreamlabErrorOptions {
  /** A line printed under the message: what to do about it, or what was left alone. */
  readonly hint?: string;
  /** The error this one explains (an SDK's, a program's): kept, with its stack, for debugging. */
  readonly cause?: unknown;
}

/** Every error of ours: a message for the user, an exit status, an optional hint. */
export abstract class StreamlabError extends Error {
  abstract readonly exitCode: number;
  /** Not readonly: a caller that knows what the failure left alone adds it (withOutcome). */
  hint?: string;

  constructor(message: string, opts: StreamlabErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    if (opts.hint !== undefined) this.hint = opts.hint;
  }

  /**
   * What the dispatcher prints after "streamlab: ". `helpHint` is where the command's
   * usage is (`streamlab up --help`), for the kinds that point there.
   */
  shown(_helpHint: string): string {
    return this.hint === undefined ? this.message : `${this.message}\n${this.hint}`;
  }
}

/** An operation that failed (exit 1), or was interrupted (130): a program, AWS, a host. */
export class OperationalError extends StreamlabError {
  readonly exitCode: typeof EXIT.failed | typeof EXIT.interrupted;
  constructor(
    message: string,
    opts: StreamlabErrorOptions & { readonly exitCode?: OperationalError['exitCode'] } = {},
  ) {
    super(message, opts);
    this.name = 'OperationalError';
    this.exitCode = opts.exitCode ?? EXIT.failed;
  }
}

const MAX_PROBLEM_LENGTH = 300;

/** A problem line cut to a readable length, saying how much of it was left out. */
export function clipProblem(line: string): string {
  if (line.length <= MAX_PROBLEM_LENGTH) return line;
  return `${line.slice(0, MAX_PROBLEM_LENGTH)}… (${line.length - MAX_PROBLEM_LENGTH} more characters)`;
}

export interface InputErrorOptions extends StreamlabErrorOptions {
  /** One line per thing to fix. @default [message] */
  readonly problems?: string[];
  /**
   * 2 for a value the user must change (the default); 1 where the fix is a file to create
   * or a policy to satisfy, which docs/aws-stack.md counts as a failure rather than bad usage.
   */
  readonly exitCode?: 1 | 2;
}

/**
 * Input the user must fix (the config, an inventory, the command line, a value handed to
 * the stack or the provisioner): a message, the problems it lists, an exit status (2
 * unless told).
 */
export class InputError extends StreamlabError {
  readonly exitCode: 1 | 2;
  readonly problems: string[];
  constructor(message: string, opts: InputErrorOptions = {}) {
    super(message, opts);
    this.name = 'InputError';
    this.exitCode = opts.exitCode ?? EXIT.usage;
    this.problems = opts.problems ?? [message];
  }
}

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
 * `e` with a last line saying what the failure left alone ("nothing was written") when it
 * is input the user must fix; anything else (a bug) passes as it is.
 */
export function withOutcome(e: unknown, outcome: string): unknown {
  if (e instanceof InputError) e.hint = e.hint === undefined ? outcome : `${e.hint}\n${outcome}`;
  return e;
}

/**
 * A file the user must fix (the config, an inventory): one problem per line, each naming
 * its path. Printed as "invalid <kind> <file>: …".
 */
export class InputFileError extends InputError {
  constructor(
    readonly kind: 'config' | 'inventory',
    readonly file: string,
    problems: string[],
  ) {
    // Values are echoed, and a value may be huge: each line is cut to a readable length.
    const lines = problems.map(clipProblem);
    super(`${file}: ${lines.length === 1 ? lines[0] : `\n  ${lines.join('\n  ')}`}`, {
      problems: lines,
    });
    this.name = 'InputFileError';
  }

  override shown(helpHint: string): string {
    return `invalid ${this.kind} ${super.shown(helpHint)}`;
  }
}

export class ConfigError extends InputFileError {
  constructor(file: string, problems: string[]) {
    super('config', file, problems);
    this.name = 'ConfigError';
  }
}
