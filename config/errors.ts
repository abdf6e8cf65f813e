/**
 * The config's error, apart from the loader so the dispatcher can recognise it without
 * loading zod and yaml (`streamlab --help` stays light).
 */

/** Exit status for a config the user must fix: distinct from runtime failures (1). */
export const CONFIG_EXIT_CODE = 2;

const MAX_PROBLEM_LENGTH = 300;

/** A problem line cut to a readable length, saying how much of it was left out. */
export function clipProblem(line: string): string {
  if (line.length <= MAX_PROBLEM_LENGTH) return line;
  return `${line.slice(0, MAX_PROBLEM_LENGTH)}… (${line.length - MAX_PROBLEM_LENGTH} more characters)`;
}

/**
 * A file the user must fix (the config, an inventory): exit status 2, one problem per line,
 * each naming its path. The dispatcher prints it as "invalid <kind> <file>: …".
 */
export class InputFileError extends Error {
  readonly exitCode = CONFIG_EXIT_CODE;
  readonly problems: string[];
  constructor(
    readonly kind: 'config' | 'inventory',
    readonly file: string,
    problems: string[],
  ) {
    // Values are echoed, and a value may be huge: each line is cut to a readable length.
    const lines = problems.map(clipProblem);
    super(`${file}: ${lines.length === 1 ? lines[0] : `\n  ${lines.join('\n  ')}`}`);
    this.problems = lines;
    this.name = 'InputFileError';
  }
}

export class ConfigError extends InputFileError {
  constructor(file: string, problems: string[]) {
    super('config', file, problems);
    this.name = 'ConfigError';
  }
}
