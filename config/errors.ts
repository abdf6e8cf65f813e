/**
 * The one kind of error for input the user must fix (the config, an inventory, the
 * command line, a value handed to the stack or the provisioner). It lives apart from the
 * loader so the dispatcher can recognise it without loading zod and yaml (`streamlab
 * --help` stays light), and it is printed by the dispatcher alone: code that meets one
 * lets it through instead of wrapping it in another class.
 */

/** Exit status for input the user must fix: distinct from runtime failures (1). */
export const INPUT_EXIT_CODE = 2;

const MAX_PROBLEM_LENGTH = 300;

/** A problem line cut to a readable length, saying how much of it was left out. */
export function clipProblem(line: string): string {
  if (line.length <= MAX_PROBLEM_LENGTH) return line;
  return `${line.slice(0, MAX_PROBLEM_LENGTH)}… (${line.length - MAX_PROBLEM_LENGTH} more characters)`;
}

export interface InputErrorOptions {
  /** One line per thing to fix. @default [message] */
  readonly problems?: string[];
  /**
   * 2 for a value the user must change (the default); 1 where the fix is a file to create
   * or a policy to satisfy, which docs/aws-stack.md counts as a failure rather than bad usage.
   */
  readonly exitCode?: 1 | 2;
}

/** Input the user must fix: a message, the problems it lists, an exit status (2 unless told). */
export class InputError extends Error {
  readonly exitCode: 1 | 2;
  readonly problems: string[];
  constructor(message: string, opts: InputErrorOptions = {}) {
    super(message);
    this.name = 'InputError';
    this.exitCode = opts.exitCode ?? INPUT_EXIT_CODE;
    this.problems = opts.problems ?? [message];
  }

  /**
   * What the dispatcher prints after "streamlab: ". `helpHint` is where the command's
   * usage is (`streamlab up --help`), for the kinds that point there.
   */
  shown(_helpHint: string): string {
    return this.message;
  }
}

/**
 * `e` with a last line saying what the failure left alone ("nothing was written") when it
 * is input the user must fix; anything else (a bug) passes as it is.
 */
export function withOutcome(e: unknown, outcome: string): unknown {
  if (e instanceof InputError) e.message = `${e.message}\n${outcome}`;
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

  override shown(): string {
    return `invalid ${this.kind} ${this.message}`;
  }
}

export class ConfigError extends InputFileError {
  constructor(file: string, problems: string[]) {
    super('config', file, problems);
    this.name = 'ConfigError';
  }
}
