/**
 * Facts: small typed readers of host state (a shell snippet + a parser). All facts a
 * run needs go to the host as ONE script that prints delimited sections, so gathering
 * costs one round trip however many tasks ask questions. Snippets must only read.
 *
 * The script is run on every host at every run, so what it costs in processes is paid by
 * the host (on a class of test hosts, by the operator's own cores): a snippet runs in the
 * gathering shell itself unless it could change that shell (then in a subshell), and facts
 * of one kind can share one command (a batch: one `stat` for every path asked about).
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from './connection';
import { quote } from './quote';

export interface Fact<T> {
  /** Identifies the question; two tasks asking the same key share one answer. */
  readonly key: string;
  /** Read-only sh snippet; its stdout and exit status feed `parse`. */
  readonly script: string;
  /** Set when a batch answers this fact together with the others of its kind. */
  readonly batch?: { readonly of: FactBatch; readonly item: string };
  parse(stdout: string, code: number): T;
}

/**
 * Facts of one kind answered by one command for all of them: `stat` and `sha256sum` once
 * for every path a run asks about, instead of once per path.
 */
export interface FactBatch {
  /** Names the kind; a batched fact's key is `name:item`. */
  readonly name: string;
  /** Read-only sh snippet answering every item (it quotes them itself). */
  script(items: readonly string[]): string;
  /** Each item's answer, as the facts' parse reads it, out of the snippet's output. */
  split(stdout: string, items: readonly string[]): ReadonlyMap<string, string>;
}

export function defineFact<T>(
  key: string,
  script: string,
  parse: (stdout: string, code: number) => T,
): Fact<T> {
  if (/[\r\n]/.test(key)) throw new Error(`fact key must be one line: ${JSON.stringify(key)}`);
  return { key, script, parse };
}

/** A fact about one item of a batch; gathered alone, it is the batch of that one item. */
export function defineBatchedFact<T>(
  batch: FactBatch,
  item: string,
  parse: (answer: string) => T,
): Fact<T> {
  return {
    ...defineFact(`${batch.name}:${item}`, batch.script([item]), parse),
    batch: { of: batch, item },
  };
}

/**
 * A snippet printing the lines of a file that match a `case` pattern (all lines when none is
 * given), read by the shell itself: `cat` or `grep` would cost a process on every run.
 * `file` is a shell word: quote a literal path (`quote(path)`), or name a loop's variable.
 */
export function readLines(file: string, pattern?: string): string {
  const print = `printf '%s\\n' "$l"`;
  const body = pattern ? `case $l in ${pattern}) ${print};; esac` : print;
  return `while IFS= read -r l || [ -n "$l" ]; do ${body}; done < ${file}`;
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

/**
 * Words and forms with which a snippet could change the shell it runs in (leave it, move
 * it, set its options, traps or exported variables) or abort it (a special builtin's error,
 * `${x?}`): such a snippet runs in a subshell of its own. Any other runs in the gathering
 * shell, saving a fork per fact. A false match only costs that fork.
 */
const CHANGES_THE_SHELL =
  /(?<![\w$./-])(exit|return|cd|pushd|popd|set|shift|trap|exec|umask|export|unset|readonly|alias|eval|ulimit|local|source|break|continue|wait)(?![\w-])|(^|[\s;&|(])\.\s|\$\{[^}]*\?/;

/** The one section a snippet becomes: its stdout, then a line with the boundary and its status. */
function section(key: string, script: string, boundary: string): string {
  const [open, close] = CHANGES_THE_SHELL.test(script) ? ['(', ')'] : ['{', '}'];
  return [
    `printf '%s begin %s\\n' ${quote(boundary)} ${quote(key)}`,
    // stdin closed: a snippet must not read the rest of the script when it comes over stdin.
    `${open} ${script}\n${close} </dev/null 2>/dev/null; printf '\\n%s end %s\\n' ${quote(boundary)} "$?"`,
  ].join('\n');
}

const batchKey = (batch: FactBatch) => `batch:${batch.name}`;

/** Builds the one script: a section per unbatched fact, one per batch for all its items. */
export function factScript(facts: ReadonlyArray<Fact<unknown>>, boundary: string): string {
  const lines = ['export LC_ALL=C'];
  const batches = new Map<string, { of: FactBatch; items: string[] }>();
  for (const f of facts) {
    if (!f.batch) {
      lines.push(section(f.key, f.script, boundary));
      continue;
    }
    const key = batchKey(f.batch.of);
    if (!batches.has(key)) batches.set(key, { of: f.batch.of, items: [] });
    batches.get(key)!.items.push(f.batch.item);
  }
  for (const [key, { of, items }] of batches) lines.push(section(key, of.script(items), boundary));
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

/**
 * Each fact's answer out of the sections: an unbatched fact's is its own section, a batched
 * one's its item's part of the batch's section (exit status 0). Facts with no answer are
 * left out.
 */
export function answersOf(
  facts: ReadonlyArray<Fact<unknown>>,
  sections: ReadonlyMap<string, RawAnswer>,
): Map<string, RawAnswer> {
  const answers = new Map<string, RawAnswer>();
  const split = new Map<string, ReadonlyMap<string, string>>();
  for (const f of facts) {
    if (!f.batch) {
      const answer = sections.get(f.key);
      if (answer) answers.set(f.key, answer);
      continue;
    }
    const key = batchKey(f.batch.of);
    const batchAnswer = sections.get(key);
    if (!batchAnswer) continue;
    if (!split.has(key)) {
      const items = facts.filter((g) => g.batch?.of === f.batch!.of).map((g) => g.batch!.item);
      split.set(key, f.batch.of.split(batchAnswer.stdout, items));
    }
    answers.set(f.key, { stdout: split.get(key)!.get(f.batch.item) ?? '', code: 0 });
  }
  return answers;
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
  const answers = answersOf(list, parseFactOutput(result.stdout, boundary));
  const missing = list.filter((f) => !answers.has(f.key));
  if (missing.length > 0) {
    const why = result.stderr.trim() || `exit status ${result.code}`;
    throw new Error(
      `gathering facts failed before "${missing[0]!.key}" (${why.split('\n').slice(-3).join(' / ')})`,
    );
  }
  return new Facts(answers);
}
