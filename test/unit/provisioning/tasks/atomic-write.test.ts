/**
 * The remote atomic write, run by the real /bin/sh on this machine: a transfer cut short
 * (stdin ends early, as when the SSH connection drops) never replaces the target and
 * leaves no temp file; a whole one lands with its mode.
 */
import { runSync } from '../../../../process/run';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from '../../../../provisioning/tasks/atomic-write';

const me = userInfo();
const group = runSync(['id', '-gn']).stdout.trim();

function runLocally(script: string, stdin: string | Buffer) {
  return runSync(['/bin/sh', '-c', `set -e\n${script}`], { input: stdin, allowFailure: true });
}

describe('atomicWrite (real /bin/sh)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sl-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const content = 'STREAMLAB_STREAM="lab"\n'.repeat(100);
  const cmd = () =>
    atomicWrite(join(dir, 'producer.env'), content, { mode: '0600', owner: me.username, group });

  it('writes the whole content with its mode and leaves no temp file', () => {
    const r = runLocally(cmd().run, cmd().stdin!);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'producer.env'), 'utf8')).toBe(content);
    expect(statSync(join(dir, 'producer.env')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['producer.env']);
  });

  it('a transfer cut short keeps the old file and leaves no temp file', () => {
    writeFileSync(join(dir, 'producer.env'), 'old\n');
    const r = runLocally(cmd().run, cmd().stdin!.slice(0, 500));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/incomplete transfer of .*producer\.env: not replaced/);
    expect(readFileSync(join(dir, 'producer.env'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['producer.env']);
  });

  it('the expected digest travels on stdin, never in the command line (ps, the sudo journal)', () => {
    const digest = createHash('sha256').update(content).digest('hex');
    expect(cmd().run).not.toContain(digest.slice(0, 12));
    expect(String(cmd().stdin).startsWith(`${digest}\n`)).toBe(true);
  });

  it('binary content without a final newline lands byte for byte', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 10, 13]);
    const c = atomicWrite(join(dir, 'blob'), bytes, { mode: '0644', owner: me.username, group });
    const r = runSync(['/bin/sh', '-c', `set -e\n${c.run}`], {
      input: c.stdin,
      allowFailure: true,
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'blob')).equals(bytes)).toBe(true);
  });

  it('an empty transfer does not create the target', () => {
    const r = runLocally(cmd().run, '');
    expect(r.code).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
