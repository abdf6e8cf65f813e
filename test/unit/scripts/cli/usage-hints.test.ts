import { main } from '../../../../scripts/cli/dispatch';
import { COMMANDS } from '../../../../scripts/cli/registry';
import { closestCommand, editDistance, singleDashHint } from '../../../../scripts/cli/usage-hints';

const paths = COMMANDS.map((c) => c.path);

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one edit', () => {
    expect(editDistance('synth', 'synth')).toBe(0);
    expect(editDistance('synt', 'synth')).toBe(1);
    expect(editDistance('synthh', 'synth')).toBe(1);
    expect(editDistance('sinth', 'synth')).toBe(1);
    expect(editDistance('sytnh', 'synth')).toBe(1);
    expect(editDistance('', 'up')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closestCommand', () => {
  it.each([
    [['sytnh'], 'synth'],
    [['stauts', '--json'], 'status'],
    [['provison'], 'provision'],
    [['lab', 'stauts'], 'lab status'],
    [['lab', 'host', 'lst'], 'lab host list'],
    [['lab', 'rootfss'], 'lab rootfs'],
  ])('%j → %s', (words, expected) => {
    expect(closestCommand(words, paths)).toBe(expected);
  });

  it('suggests nothing for words that are no typo of a command', () => {
    expect(closestCommand(['frobnicate'], paths)).toBeUndefined();
    expect(closestCommand(['xyz'], paths)).toBeUndefined();
  });
});

describe('singleDashHint', () => {
  it("answers terraform's flags with ours", () => {
    expect(singleDashHint(['-auto-approve'], ['yes'])).toMatch(/terraform flag; here it is --yes/);
    expect(singleDashHint(['-var', 'x=y'], [])).toMatch(
      /no variables: set the value in streamlab\.yaml/,
    );
    expect(singleDashHint(['-var-file=a.tfvars'], [])).toMatch(/--config FILE/);
  });

  it('names the two-dash spelling of an option the command has', () => {
    expect(singleDashHint(['-json'], ['json'])).toBe('-json: options take two dashes here: --json');
    expect(singleDashHint(['-out=dir'], ['out'])).toMatch(/--out=dir$/);
  });

  it('leaves short flags, unknown words and anything after `--` alone', () => {
    expect(singleDashHint(['-f'], ['follow'])).toBeUndefined();
    expect(singleDashHint(['-xyz'], ['json'])).toBeUndefined();
    expect(singleDashHint(['--', '-json'], ['json'])).toBeUndefined();
  });
});

describe('the dispatcher', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
    jest.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m));
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints the version of streamlab and of Node.js', async () => {
    const { version } = require('../../../../package.json') as { version: string };
    expect(await main(['--version'])).toBe(0);
    expect(out).toEqual([`streamlab ${version} (Node.js ${process.version})`]);
  });

  it('suggests the closest command for a typo (exit 2)', async () => {
    expect(await main(['sytnh'])).toBe(2);
    expect(err.join('\n')).toBe(
      'streamlab: unknown command "sytnh"; did you mean `streamlab synth`?\nsee `streamlab --help`',
    );
  });

  it('answers `up -auto-approve` and `plan -var` with what streamlab takes', async () => {
    expect(await main(['up', '-auto-approve'])).toBe(2);
    expect(err.join('\n')).toBe(
      'streamlab: -auto-approve is a terraform flag; here it is --yes\nsee `streamlab up --help`',
    );
    err.length = 0;
    expect(await main(['plan', '-var', 'region=eu-west-1'])).toBe(2);
    expect(err.join('\n')).toMatch(
      /^streamlab: -var is a terraform flag; streamlab takes no variables/,
    );
  });

  it('prints the one line that matters and where the usage is, not the usage', async () => {
    expect(await main(['status', '--bogus'])).toBe(2);
    expect(err.join('\n')).toBe(
      "streamlab: Unknown option '--bogus'\nsee `streamlab status --help`",
    );
    expect(out).toEqual([]);
  });
});
