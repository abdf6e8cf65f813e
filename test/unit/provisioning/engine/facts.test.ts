import { runSync } from '../../../../process/run';
import {
  defineFact,
  Facts,
  factScript,
  parseFactOutput,
  uniqueFacts,
  type Fact,
} from '../../../../provisioning/engine/facts';

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
});
