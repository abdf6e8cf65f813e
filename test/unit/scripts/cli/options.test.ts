/**
 * The shared options: one rule each, the same in every command that takes them, and
 * their help lines laid out like the hand-written ones around them.
 */
import { UsageError } from '../../../../config/errors';
import { commandContext } from '../../../../scripts/cli/context';
import {
  connectTimeoutOption,
  endpointUrlOption,
  inventoryOption,
  optionHelp,
  parseCommandLine,
  yesOption,
} from '../../../../scripts/cli/options';
import { command as provision } from '../../../../scripts/commands/provision';
import { command as status } from '../../../../scripts/commands/status';
import { command as tail } from '../../../../scripts/commands/tail';
import { command as up } from '../../../../scripts/commands/up';

const connect = (args: string[], defaultSeconds = 120) =>
  parseCommandLine(args, {}, { ms: connectTimeoutOption(defaultSeconds) }).options.ms;

describe('shared options', () => {
  it('--connect-timeout: seconds ≥ 0 (0: one attempt), the default as the only parameter', () => {
    expect(connect([])).toBe(120_000);
    expect(connect([], 300)).toBe(300_000);
    expect(connect(['--connect-timeout', '0'])).toBe(0);
    expect(connect(['--connect-timeout=2.5'])).toBe(2_500);
    for (const bad of ['-1', 'soon', '', ' ', 'Infinity'])
      expect(() => connect([`--connect-timeout=${bad}`])).toThrow(
        new UsageError(`--connect-timeout: "${bad}" is not a number of seconds`),
      );
  });

  it('--inventory FILE | --offline: one choice, both at once refused before anything is read', () => {
    const choice = (args: string[]) =>
      parseCommandLine(args, {}, { choice: inventoryOption }).options.choice;
    expect(choice([])).toEqual({ offline: false });
    expect(choice(['--offline'])).toEqual({ offline: true });
    expect(choice(['--inventory', 'inv.json'])).toEqual({ offline: false, inventory: 'inv.json' });
    expect(() => choice(['--offline', '--inventory', 'inv.json'])).toThrow(
      new UsageError('--offline and --inventory name two inventories: give one'),
    );
  });

  it('--yes and its alias --auto-approve', () => {
    const yes = (args: string[]) => parseCommandLine(args, {}, { yes: yesOption }).options.yes;
    expect([yes([]), yes(['-y']), yes(['--yes']), yes(['--auto-approve'])]).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('own options and shared ones parse together; an unknown one is a usage error', () => {
    const { values, options, positionals } = parseCommandLine(
      ['--forks', '3', 'HOST', '--endpoint-url', 'http://127.0.0.1:4567'],
      { forks: { type: 'string' } },
      { endpoint: endpointUrlOption },
      true,
    );
    expect(values.forks).toBe('3');
    expect(options.endpoint).toBe('http://127.0.0.1:4567');
    expect(positionals).toEqual(['HOST']);
    expect(() => parseCommandLine(['--bogus'], {}, { endpoint: endpointUrlOption })).toThrow(
      UsageError,
    );
  });

  it.each([
    ['status', status],
    ['provision', provision],
    ['tail', tail],
  ])('%s refuses an --endpoint-url that is not http(s), before reading anything', async (_, c) => {
    const e = await c
      .run(
        ['--endpoint-url', 'localhost:4567'],
        commandContext({ configFile: '/nonexistent/streamlab.yaml' }),
      )
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe('--endpoint-url: "localhost:4567" is not an http(s) URL');
  });

  it('up takes --connect-timeout 0 like provision does', async () => {
    const e = await up
      .run(
        ['--connect-timeout', '0'],
        commandContext({ configFile: '/nonexistent/streamlab.yaml' }),
      )
      .catch((err: unknown) => err);
    // Past the options: the missing config is what stops it.
    expect((e as Error).message).toMatch(/no such file/);
  });

  it('help lines: meaning at the column given, wrapped at 90 characters', () => {
    expect(optionHelp(yesOption, 17)).toBe(
      '  -y, --yes      go ahead without asking (alias: --auto-approve)',
    );
    const lines = optionHelp(connectTimeoutOption(300), 27).split('\n');
    expect(lines[0]!.indexOf('keep')).toBe(27);
    expect(lines[1]).toMatch(/^ {27}\S/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(90);
    expect(lines.join(' ')).toMatch(/default 300; 0: one attempt/);
  });
});
