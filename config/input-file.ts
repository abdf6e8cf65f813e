/**
 * The one reader of structured files someone else may have written (a copied config, a
 * shared inventory): bounded in size before a byte is parsed, JSON for `.json` and YAML
 * otherwise, YAML with a limit on alias expansion. Every failure becomes the caller's
 * kind of InputFileError (ConfigError, InventoryError: exit 2, the file named, each
 * problem line clipped).
 */
import { statSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { InputFileError } from './errors';

/** Makes the caller's error from the problems found in its file. */
export type InputFileFailure = (problems: string[]) => InputFileError;

/** Far above any real config or inventory (a classroom's is a few KiB). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** A bad input file: `problems` name what is wrong, turned into the caller's error below. */
class InputFileProblem extends Error {
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
function readInputFile(path: string): string {
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

function parseJsonInput(text: string): unknown {
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
function parseYamlInput(text: string): unknown {
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

/** `text`, read from `file`, as plain data: JSON when the file's name ends in .json, else YAML. */
export function parseStructuredText(text: string, file: string, fail: InputFileFailure): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? parseJsonInput(text) : parseYamlInput(text);
  } catch (e) {
    if (e instanceof InputFileProblem) throw fail(e.problems);
    throw e;
  }
}

/**
 * The file as plain data. `whenMissing` is the problem line for a file that does not exist
 * (what to do about it), else that is said like any other unreadable file.
 */
export function readStructuredFile(
  file: string,
  fail: InputFileFailure,
  whenMissing?: string,
): unknown {
  let text: string;
  try {
    text = readInputFile(file);
  } catch (e) {
    if (!(e instanceof InputFileProblem)) throw e;
    throw fail(e.code === 'ENOENT' && whenMissing !== undefined ? [whenMissing] : e.problems);
  }
  return parseStructuredText(text, file, fail);
}
