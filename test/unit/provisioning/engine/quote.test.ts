import { runSync } from '../../../../process/run';
import { quote, raw, sh } from '../../../../provisioning/engine/quote';

// Deterministic PRNG so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const HOSTILE = [
  `'`,
  `"`,
  '`',
  '$',
  '$(id)',
  '\\',
  '\n',
  ' ',
  '\t',
  ';',
  '|',
  '&',
  '*',
  '?',
  '[',
  '~',
  '#',
  '!',
  '{',
  '}',
  '<',
  '>',
  'é',
  '✓',
  '\r',
  '%',
  '-',
];

function randomString(next: () => number): string {
  const len = Math.floor(next() * 24);
  let s = '';
  for (let i = 0; i < len; i++) {
    if (next() < 0.5) s += HOSTILE[Math.floor(next() * HOSTILE.length)];
    else s += String.fromCharCode(32 + Math.floor(next() * 95));
  }
  return s;
}

describe('quote', () => {
  it('round-trips 300 random hostile strings through a real sh -c printf', () => {
    const next = rng(42);
    const inputs = Array.from({ length: 300 }, () => randomString(next));
    inputs.push('', "'", "''", '-n', '--', 'a b', '$(touch /tmp/streamlab-pwned)', '`id`', 'x\ny');
    // One sh invocation prints every value NUL-separated: fast and exact.
    const script = inputs.map((s) => `printf '%s\\0' ${quote(s)}`).join('; ');
    const out = runSync(['sh', '-c', script]).stdout;
    expect(out.split('\0').slice(0, -1)).toEqual(inputs);
  });

  it('leaves plain words alone and quotes everything else', () => {
    expect(quote('/opt/streamlab/venv')).toBe('/opt/streamlab/venv');
    expect(quote('a b')).toBe(`'a b'`);
    expect(quote('')).toBe(`''`);
    expect(quote(`it's`)).toBe(`'it'\\''s'`);
    expect(quote(42)).toBe('42');
    expect(quote('FOO=bar')).toBe(`'FOO=bar'`);
    expect(quote('DPkg::Lock::Timeout=300')).toBe('DPkg::Lock::Timeout=300');
  });

  it('refuses a NUL byte, which argv cannot carry', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });

  it('sh`` quotes every interpolation, spreads arrays, and keeps raw() text', () => {
    expect(sh`rm -f ${'a b'} ${['x', 'y z']}${raw(' && echo done')}`).toBe(
      `rm -f 'a b' x 'y z' && echo done`,
    );
    const out = runSync(['sh', '-c', sh`printf '%s|' ${['$(id)', '`id`', "'"]}`]).stdout;
    expect(out).toBe("$(id)|`id`|'|");
  });
});
