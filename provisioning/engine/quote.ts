/**
 * The one shell-quoting helper. Every value interpolated into a remote command goes
 * through `quote` (or the `sh` tag, which calls it), so a hostile config value can
 * never become code on the host.
 */

// Characters POSIX sh never treats specially in a word (no globbing, no expansion).
const SAFE_WORD = /^[A-Za-z0-9_/.:=@%+,-]+$/;

/** Quotes one value as a single POSIX sh word. NUL cannot be passed in argv, so it is refused. */
export function quote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0'))
    throw new Error(`cannot pass a NUL byte to a shell command: ${JSON.stringify(s)}`);
  // NAME=value unquoted would be an assignment, not a word, in command position.
  if (SAFE_WORD.test(s) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(s)) return s;
  // Inside single quotes nothing is special except the closing quote itself.
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A piece of shell text that must not be quoted again (the result of `sh` or `raw`). */
export class ShellText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks trusted, constant shell text (operators, redirections) for use inside `sh`. */
export function raw(text: string): ShellText {
  return new ShellText(text);
}

type Interpolation = string | number | ShellText | ReadonlyArray<string | number>;

/**
 * Template tag that quotes every interpolation: sh`rm -f ${path}`. Arrays become
 * several quoted words; `ShellText` (nested sh`…` or raw()) is inserted as is.
 */
export function sh(strings: TemplateStringsArray, ...values: Interpolation[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    if (v instanceof ShellText) out += v.text;
    else if (Array.isArray(v)) out += v.map((x) => quote(x)).join(' ');
    else out += quote(v as string | number);
    out += strings[i + 1]!;
  });
  return out;
}
