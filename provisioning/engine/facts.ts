/**
 * Facts: small typed readers of host state (a shell snippet + a parser). All facts a
 * run needs go to the host as ONE script that prints delimited sections, so gathering
 * costs one round trip however many tasks ask questions. Snippets must only read.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from './connection';
import { quote } from './quote';

export interface Fact<T> {
  /** Identifies the question; two tasks asking the same key share one answer. */
  readonly key: string;
  /** Read-only sh snippet; its stdout and exit status feed `parse`. */
  readonly script: string;
  parse(stdout: string, code: number): T;
}

export function defineFact<T>(
  key: string,
  script: string,
  parse: (stdout: string, code: number) => T,
): Fact<T> {
  if (/[\r\n]/.test(key)) throw new Error(`fact key must be one line: ${JSON.stringify(key)}`);
  return { key, script, parse };
}

export interface RawAnswer {
  readonly stdout: string;
  readonly code: number;
}

/** Answers by fact key; `get` parses lazily and caches. */
export class Facts {
  private readonly parsed = new Map<string, unknown>();
  constructor(private readonly answers: ReadonlyMap<string, RawAnswer>) {}

  get<T>(fact: Fact<T>): T {
    if (this.parsed.has(fact.key)) return this.parsed.get(fact.key) as T;
    const answer = this.answers.get(fact.key);
    if (!answer) throw new Error(`fact "${fact.key}" was not gathered (a task did not declare it)`);
    const value = fact.parse(answer.stdout, answer.code);
    this.parsed.set(fact.key, value);
    return value;
  }

  has(key: string): boolean {
    return this.answers.has(key);
  }
}

/** Builds the one script; each section runs in a subshell with stdin closed. */
export function factScript(facts: ReadonlyArray<Fact<unknown>>, boundary: string): string {
  const lines = ['export LC_ALL=C'];
  for (const f of facts) {
    lines.push(`printf '%s begin %s\\n' ${quote(boundary)} ${quote(f.key)}`);
    lines.push(
      `( ${f.script}\n) </dev/null 2>/dev/null; printf '\\n%s end %s\\n' ${quote(boundary)} "$?"`,
    );
  }
  return lines.join('\n');
}

/** Splits the script's output back into answers by key. */
export function parseFactOutput(text: string, boundary: string): Map<string, RawAnswer> {
  const answers = new Map<string, RawAnswer>();
  const begin = `${boundary} begin `;
  let at = 0;
  for (;;) {
    const b = text.indexOf(begin, at);
    if (b < 0) break;
    const keyEnd = text.indexOf('\n', b);
    if (keyEnd < 0) break;
    const key = text.slice(b + begin.length, keyEnd);
    const endMarker = `\n${boundary} end `;
    const e = text.indexOf(endMarker, keyEnd);
    if (e < 0) break;
    const codeEnd = text.indexOf('\n', e + endMarker.length);
    const code = Number(text.slice(e + endMarker.length, codeEnd < 0 ? undefined : codeEnd));
    answers.set(key, { stdout: text.slice(keyEnd + 1, e), code });
    at = codeEnd < 0 ? text.length : codeEnd + 1;
  }
  return answers;
}

/** Distinct facts by key, first declaration wins. */
export function uniqueFacts(facts: Iterable<Fact<unknown>>): Fact<unknown>[] {
  const byKey = new Map<string, Fact<unknown>>();
  for (const f of facts) if (!byKey.has(f.key)) byKey.set(f.key, f);
  return [...byKey.values()];
}

/** Gathers facts in one round trip (as root, so root-only files can be checksummed). */
export async function gatherFacts(
  conn: Connection,
  facts: Iterable<Fact<unknown>>,
): Promise<Facts> {
  const list = uniqueFacts(facts);
  if (list.length === 0) return new Facts(new Map());
  const boundary = `--streamlab-${randomBytes(8).toString('hex')}`;
  const result = await conn.exec(factScript(list, boundary), { timeoutMs: 120_000 });
  const answers = parseFactOutput(result.stdout, boundary);
  const missing = list.filter((f) => !answers.has(f.key));
  if (missing.length > 0) {
    const why = result.stderr.trim() || `exit status ${result.code}`;
    throw new Error(
      `gathering facts failed before "${missing[0]!.key}" (${why.split('\n').slice(-3).join(' / ')})`,
    );
  }
  return new Facts(answers);
}
