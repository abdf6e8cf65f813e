/**
 * Reading a file someone else may have written (a copied config, a shared inventory):
 * bounded in size before a byte is parsed, and YAML with a limit on alias expansion.
 * Each failure is a problem line for the caller's error (ConfigError, InventoryError:
 * exit 2, the file named; both clip the lines they echo with `clipProblem`).
 */
import { statSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/** Far above any real config or inventory (a classroom's is a few KiB). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** A bad input file: `problems` name what is wrong, for the caller to wrap. */
export class InputFileProblem extends Error {
  constructor(
    readonly problems: string[],
    /** The errno code when the file could not be read (ENOENT: there is none). */
    readonly code?: string,
  ) {
    super(problems.join('; '));
    this.name = 'InputFileProblem';
  }
}

/** The file's text, or InputFileProblem (too big, unreadable) with its errno code. */
export function readInputFile(path: string): string {
  try {
    const { size } = statSync(path);
    if (size > MAX_INPUT_BYTES)
      throw new InputFileProblem([
        `is ${size} bytes, more than the 1 MiB limit for a config or inventory file`,
      ]);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputFileProblem) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw Object.assign(
      new InputFileProblem([`cannot read it (${code ?? (e as Error).message})`]),
      {
        code,
      },
    );
  }
}

export function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputFileProblem([`not valid JSON: ${(e as Error).message}`]);
  }
}

/**
 * YAML text as plain data. `maxAliasCount` bounds what aliases may expand to (a billion
 * laughs would take gigabytes); exceeding it is a problem with the file like any other.
 */
export function parseYamlInput(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0)
    throw new InputFileProblem(
      doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`),
    );
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputFileProblem([`not valid YAML: ${(e as Error).message}`]);
  }
}
