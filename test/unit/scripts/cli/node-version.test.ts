import { runSync } from '../../../../process/run';
import { join } from 'node:path';

const bin = join(__dirname, '../../../../scripts/streamlab.js');

/** Runs the bin on this Node, made to report `version` (a real older Node may not be here). */
function runAs(version: string, args: string[]) {
  const pretend =
    `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });` +
    `Object.defineProperty(process, 'version', { value: 'v${version}' });` +
    `process.argv.splice(1, 0, ${JSON.stringify(bin)});` +
    // Every module loaded by the time the process exits, on the last line of stdout.
    `process.on('exit', () => process.stdout.write('\\n' + JSON.stringify(Object.keys(require.cache))));` +
    `require(${JSON.stringify(bin)});`;
  const r = runSync([process.execPath, '-e', pretend, '--', ...args], { allowFailure: true });
  const lines = r.stdout.split('\n');
  return { ...r, stdout: lines.slice(0, -1).join('\n'), loaded: JSON.parse(lines.at(-1)!) };
}

describe('the streamlab bin on an older Node', () => {
  it.each(['20.19.0', '22.10.0', '18.19.1'])(
    'on %s says it needs >= 22.11, exits 2 and loads nothing else',
    (version) => {
      const r = runAs(version, ['synth']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`needs Node.js >= 22.11; this is v${version}`);
      expect(r.stderr).toContain('npm exec --no -- streamlab');
      expect(r.stdout).toBe('');
      expect(r.loaded).toEqual([bin]);
    },
  );

  it.each(['22.11.0', '24.0.0'])('on %s runs the command', (version) => {
    const r = runAs(version, ['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: streamlab <command>/);
    expect(r.loaded.length).toBeGreaterThan(1);
  });
});
