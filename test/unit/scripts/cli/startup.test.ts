/**
 * Each command loads only what it runs: help and version load no AWS SDK, zod, yaml,
 * ssh2 or cdktn (measured in bench/startup; here, what a real process of the bin loads).
 */
import { runSync } from '../../../../process/run';
import { join } from 'node:path';
import { COMMANDS } from '../../../../scripts/cli/registry';

const bin = join(__dirname, '../../../../scripts/streamlab.js');

/** Runs the bin and returns the files it loaded (from require.cache, printed at exit). */
function loadedBy(args: string[]): { status: number | null; stdout: string; loaded: string[] } {
  const script =
    `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache))));` +
    `process.argv.splice(1, 0, ${JSON.stringify(bin)});` +
    `require(${JSON.stringify(bin)});`;
  const r = runSync([process.execPath, '-e', script, '--', ...args], { allowFailure: true });
  const marker = r.stderr.lastIndexOf('\nLOADED ');
  return {
    status: r.code,
    stdout: r.stdout,
    loaded: JSON.parse(r.stderr.slice(marker + '\nLOADED '.length)) as string[],
  };
}

// The packages themselves, or the one-file bundles the loader makes of zod, yaml and ssh2.
const HEAVY =
  /node_modules\/((@aws-sdk|@smithy|zod|yaml|ssh2|cdktn|@cdktn|constructs|kinesalite)\/|\.cache\/streamlab\/vendor\/)/;
const ZOD = /node_modules\/(zod\/|\.cache\/streamlab\/vendor\/zod\.)/;

describe('start-up', () => {
  it.each([
    [['--help']],
    [['--version']],
    [['status', '--help']],
    [['lab', 'up', '--help']],
    [['synth', '-h']],
  ])('`streamlab %j` loads no SDK, zod, yaml, ssh2 or cdktn', (args) => {
    const r = loadedBy(args);
    expect(r.status).toBe(0);
    expect(r.loaded.filter((f) => HEAVY.test(f))).toEqual([]);
    // Nor any command's implementation.
    expect(r.loaded.filter((f) => /scripts\/commands\/[^/]+\.ts$/.test(f))).toEqual([]);
    // Nor the runner of local programs: help starts none.
    expect(r.loaded.filter((f) => /scripts\/process\/run\.ts$/.test(f))).toEqual([]);
  });

  it('a command run loads what it needs (the check above can see heavy modules)', () => {
    const r = loadedBy(['schema']);
    expect(r.status).toBe(0);
    expect(r.loaded.some((f) => ZOD.test(f))).toBe(true);
  });

  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))(
    "%s: the usage printed by --help is the command's own",
    (_, entry) => {
      expect(entry.usage()).toBe(entry.load().usage);
      expect(entry.usage()).toMatch(new RegExp(`^Usage: streamlab ${entry.path.join(' ')}\\b`));
    },
  );

  it('zod, yaml and the ssh2 client load as one bundled file each (a module costs ~1 ms to load)', () => {
    const r = loadedBy(['schema']);
    expect(r.status).toBe(0);
    expect(r.loaded.filter((f) => /node_modules\/zod\//.test(f))).toEqual([]);
    expect(r.loaded.filter((f) => /\.cache\/streamlab\/vendor\/zod\./.test(f))).toHaveLength(1);
  });
});
