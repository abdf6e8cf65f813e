/**
 * The remote atomic write, run by the real /bin/sh on this machine: a transfer cut short
 * (stdin ends early, as when the SSH connection drops) never replaces the target and
 * leaves no temp file; a whole one lands with its mode.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from '../../../provisioning/tasks/files';

const me = userInfo();
const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();

function runLocally(script: string, stdin: string | Buffer) {
  return spawnSync('/bin/sh', ['-c', `set -e\n${script}`], { input: stdin, encoding: 'utf8' });
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
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'producer.env'), 'utf8')).toBe(content);
    expect(statSync(join(dir, 'producer.env')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['producer.env']);
  });

  it('a transfer cut short keeps the old file and leaves no temp file', () => {
    writeFileSync(join(dir, 'producer.env'), 'old\n');
    const r = runLocally(cmd().run, content.slice(0, 500));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/incomplete transfer of .*producer\.env: not replaced/);
    expect(readFileSync(join(dir, 'producer.env'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['producer.env']);
  });

  it('an empty transfer does not create the target', () => {
    const r = runLocally(cmd().run, '');
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
