/**
 * Hostile config and inventory files (issue 16): a huge file, a YAML alias bomb and an
 * over-long value are bad input (exit 2, the file named), never a crash or a flood.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../../config';
import { main } from '../../../../scripts/cli/dispatch';
import { InventoryError, loadInventory } from '../../../../provisioning/inventory';

const dir = mkdtempSync(join(tmpdir(), 'streamlab-hostile-files-'));
const MiB = 1024 * 1024;

/** A billion laughs: nine levels of nine aliases, ~387 million strings once expanded. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((l, i) => {
    const prev = 'abcdefghi'[i]!;
    return `${l}: &${l} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
  'name: demo',
].join('\n');

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe.each([
  ['config', (file: string) => loadConfig(file), ConfigError],
  ['inventory', (file: string) => loadInventory(file), InventoryError],
] as const)('a hostile %s file', (_kind, load, ErrorClass) => {
  it('over 1 MiB is refused before it is parsed, naming the file and its size', () => {
    const file = join(dir, `big-${_kind}.yaml`);
    writeFileSync(file, `name: demo\nregion: "${'x'.repeat(2 * MiB)}"\n`);
    const e = thrown(() => load(file));
    expect(e).toBeInstanceOf(ErrorClass);
    expect((e as ConfigError).exitCode).toBe(2);
    expect(e.message).toMatch(new RegExp(`^${file}: .*2097\\d{3} bytes.* 1 MiB`));
  });

  it('a YAML alias bomb is a file error (exit 2), not an internal one', () => {
    const file = join(dir, `bomb-${_kind}.yaml`);
    writeFileSync(file, ALIAS_BOMB);
    const e = thrown(() => load(file));
    expect(e).toBeInstanceOf(ErrorClass);
    expect((e as ConfigError).exitCode).toBe(2);
    expect(e.message).toMatch(/not valid YAML: .*alias/i);
  });

  it('an over-long bad value is echoed truncated, with how much was left out', () => {
    const file = join(dir, `long-${_kind}.json`);
    const long = `-${'y'.repeat(100_000)}`;
    writeFileSync(
      file,
      JSON.stringify(
        _kind === 'config'
          ? { name: 'demo', region: long, operatorCidr: '203.0.113.7/32' }
          : { hosts: [{ name: 'a', address: long, privateKeyPath: '/k', knownHostsFile: '/kh' }] },
      ),
    );
    const e = thrown(() => load(file)) as ConfigError;
    expect(e).toBeInstanceOf(ErrorClass);
    expect(e.message.length).toBeLessThan(1_000);
    expect(e.message).toMatch(/… \(\d+ more characters\)/);
  });
});

it('a few ordinary YAML aliases still load', () => {
  const file = join(dir, 'aliases.yaml');
  writeFileSync(
    file,
    'name: demo\nregion: &r us-east-1\noperatorCidr: 203.0.113.7/32\ntags: {home: *r}\n',
  );
  expect(loadConfig(file).tags).toEqual({ home: 'us-east-1' });
});

it('an error echoing a hostile value reaches the terminal inert', async () => {
  const file = join(dir, 'bidi.yaml');
  writeFileSync(
    file,
    'name: "demo\u202e\u009b2J"\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n',
  );
  const lines: string[] = [];
  const err = jest.spyOn(console, 'error').mockImplementation((m) => void lines.push(String(m)));
  const code = await main(['synth', '--config', file]);
  err.mockRestore();
  expect(code).toBe(2);
  expect(lines.join('\n')).toMatch(/name: /);
  // eslint-disable-next-line no-control-regex
  expect(lines.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
});
