import { readFileSync } from 'node:fs';
import { runSync } from '../../../../process/run';
import {
  answersOf,
  defineBatchedFact,
  defineFact,
  Facts,
  factScript,
  parseFactOutput,
  uniqueFacts,
  type Fact,
  type FactBatch,
} from '../../../../provisioning/engine/facts';
import { quote } from '../../../../provisioning/engine/quote';

/** Runs the gathering script of these facts in a real sh and returns each fact's answer. */
function gather(facts: Fact<unknown>[]): Facts {
  const boundary = '--streamlab-0123456789abcdef';
  const out = runSync(['sh', '-c', factScript(facts, boundary)]).stdout;
  return new Facts(answersOf(facts, parseFactOutput(out, boundary)));
}

describe('fact gathering script', () => {
  it('runs every snippet once in a real sh and splits the answers by key, with exit codes', () => {
    const facts: Fact<unknown>[] = [
      defineFact('plain', 'echo hello', (o) => o),
      defineFact('empty', 'true', (o) => o),
      defineFact('fails', 'echo partial; exit 3', (o, c) => ({ o, c })),
      defineFact('no newline', "printf 'x'", (o) => o),
      defineFact(
        'looks like a marker',
        "printf '%s\\n' 'begin end 0' '--streamlab-zzz end 1'",
        (o) => o,
      ),
      defineFact('stderr is dropped', 'echo oops >&2; echo out', (o) => o),
    ];
    const boundary = '--streamlab-0123456789abcdef';
    const out = runSync(['sh', '-c', factScript(facts, boundary)]).stdout;
    const answers = parseFactOutput(out, boundary);
    const f = new Facts(answers);
    expect(f.get(facts[0]!)).toBe('hello\n');
    expect(f.get(facts[1]!)).toBe('');
    expect(f.get(facts[2]!)).toEqual({ o: 'partial\n', c: 3 });
    expect(f.get(facts[3]!)).toBe('x');
    expect(f.get(facts[4]!)).toBe('begin end 0\n--streamlab-zzz end 1\n');
    expect(f.get(facts[5]!)).toBe('out\n');
    expect(answers.get('plain')!.code).toBe(0);
  });

  it('snippets cannot read the script from stdin', () => {
    const facts: Fact<unknown>[] = [
      defineFact('stdin', 'cat; echo done', (o) => o),
      defineFact('after', 'echo still here', (o) => o),
    ];
    const out = runSync(['sh', '-s'], { input: factScript(facts, 'B') }).stdout;
    const answers = parseFactOutput(out, 'B');
    expect(answers.get('stdin')!.stdout).toBe('done\n');
    expect(answers.get('after')!.stdout).toBe('still here\n');
  });

  it('dedupes facts by key and names an undeclared fact', () => {
    const a = defineFact('k', 'echo 1', (o) => o);
    expect(uniqueFacts([a, defineFact('k', 'echo 2', (o) => o)])).toHaveLength(1);
    expect(() => new Facts(new Map()).get(a)).toThrow(/"k" was not gathered/);
    expect(() => defineFact('a\nb', 'true', (o) => o)).toThrow(/one line/);
  });

  it('a snippet runs in the gathering shell itself (no fork) unless it could change that shell', () => {
    // A child's parent is the gathering shell ($$) only when no subshell stands between.
    const parent = "sh -c 'echo $PPID'; echo $$";
    const f = gather([
      defineFact('plain', parent, (o) => o),
      defineFact('leaves early', `${parent}; exit 0`, (o) => o),
      defineFact('moves', `cd /; ${parent}`, (o) => o),
    ]);
    const [child, shell] = (f.get(defineFact('plain', '', (o) => o)) as string).split('\n');
    expect(child).toBe(shell);
    for (const key of ['leaves early', 'moves']) {
      const [c, s] = (f.get(defineFact(key, '', (o) => o)) as string).split('\n');
      expect(c).not.toBe(s);
    }
  });

  it.each([
    ['exit 3', 'it would end the gathering'],
    ['cd /tmp', 'later snippets would run elsewhere'],
    ['set -e; false', 'a later failure would end the gathering'],
    ['. /nonexistent/file', "dash ends the script when '.' cannot read"],
    ['echo ${UNSET_VARIABLE?}', 'an unset ${x?} ends the script'],
    ['trap "echo trapped" EXIT', 'the trap would print into the last section'],
    ['export LC_ALL=de_DE.UTF-8', 'later snippets would parse another locale'],
  ])('a snippet that changes the shell (%s) runs apart: %s', (script) => {
    const facts: Fact<unknown>[] = [
      defineFact('changer', script, (o) => o),
      defineFact('after', 'pwd; echo "$LC_ALL"; false; echo still here', (o, c) => ({ o, c })),
    ];
    expect(gather(facts).get(facts[1]!)).toEqual({ o: `${process.cwd()}\nC\nstill here\n`, c: 0 });
  });

  /** A batch over a real command: `wc -c` once for every file asked about. */
  const sizes: FactBatch = {
    name: 'size',
    script: (items) => `wc -c -- ${items.map((i) => quote(i)).join(' ')}`,
    split(stdout, items) {
      const byPath = new Map<string, string>();
      for (const line of stdout.split('\n')) {
        const m = /^\s*(\d+) (.+)$/.exec(line);
        if (m && items.includes(m[2]!)) byPath.set(m[2]!, m[1]!);
      }
      return byPath;
    },
  };

  it('facts of one batch are answered by one command, each with its own part', () => {
    const size = (path: string) => defineBatchedFact(sizes, path, (a) => (a ? Number(a) : -1));
    const facts: Fact<unknown>[] = [
      size('package.json'),
      defineFact('plain', 'echo x', (o) => o),
      size('/nope'),
    ];
    const script = factScript(facts, 'B');
    expect(script.match(/wc -c/g)).toHaveLength(1);
    expect(facts[0]!.key).toBe('size:package.json');
    const f = gather(facts);
    expect(f.get(facts[0]!)).toBe(readFileSync('package.json').length);
    expect(f.get(facts[2]!)).toBe(-1);
    expect(f.get(facts[1]!)).toBe('x\n');
    // Alone, a batched fact is the batch of its one item.
    expect(gather([size('package.json')]).get(size('package.json'))).toBe(
      readFileSync('package.json').length,
    );
  });
});
