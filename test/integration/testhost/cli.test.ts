/**
 * The `streamlab lab host` commands as users and scripts call them: separate processes,
 * --json output shapes (a public contract), and concurrent `up`s that must not collide.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeAsRoot } from '../../support/root';
import { start } from '../../../process/run';
import { readState } from '../../../testhost/state';
import { tracesOf } from './traces';
import { ownRunDir } from '../../support/run-dir';

// The commands run as child processes: they get the run dir the way users set it.
const RUN_DIR = ownRunDir('it-cli');
const BIN = join(__dirname, '../../../scripts/streamlab.js');

jest.setTimeout(300_000);

async function streamlab(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await start([process.execPath, BIN, ...args], {
    env: { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR },
  }).exited;
  return { code, stdout, stderr };
}

describeAsRoot('streamlab lab host (CLI)', () => {
  afterAll(async () => {
    await streamlab('lab', 'host', 'down', '--all');
    rmSync(RUN_DIR, { recursive: true, force: true });
  });

  it('up --json from two processes at once: one JSON object each, distinct hosts', async () => {
    const [a, b] = await Promise.all([
      streamlab('lab', 'host', 'up', 'cli-a', '--json'),
      streamlab('lab', 'host', 'up', 'cli-b', '--json'),
    ]);
    for (const r of [a, b]) {
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/streamlab: booting/); // progress goes to stderr
    }
    const ha = JSON.parse(a.stdout);
    const hb = JSON.parse(b.stdout);
    expect(Object.keys(ha)).toEqual([
      'name',
      'address',
      'port',
      'user',
      'privateKeyPath',
      'hostKeyFingerprint',
    ]);
    expect(ha).toMatchObject({ name: 'cli-a', port: 22, user: 'ubuntu' });
    expect(hb.name).toBe('cli-b');
    expect(ha.address).not.toBe(hb.address);
    expect(ha.hostKeyFingerprint).not.toBe(hb.hostKeyFingerprint);
  });

  it('list --json shows both, with gateway and netns', async () => {
    const r = await streamlab('lab', 'host', 'list', '--json');
    expect(r.code).toBe(0);
    const hosts = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(hosts.map((h) => h.name)).toEqual(['cli-a', 'cli-b']);
    expect(Object.keys(hosts[0]!)).toEqual([
      'name',
      'address',
      'port',
      'user',
      'privateKeyPath',
      'hostKeyFingerprint',
      'gateway',
      'netns',
    ]);
  });

  it('down NAME, then down --all, leave nothing behind', async () => {
    const a = readState(RUN_DIR, 'cli-a')!;
    const b = readState(RUN_DIR, 'cli-b')!;
    expect(await streamlab('lab', 'host', 'down', 'cli-a')).toMatchObject({
      code: 0,
      stdout: 'cli-a down\n',
    });
    expect(tracesOf(RUN_DIR, a)).toEqual([]);
    expect(await streamlab('lab', 'host', 'down', 'cli-a')).toMatchObject({
      code: 0,
      stdout: 'no host cli-a\n',
    });
    expect(await streamlab('lab', 'host', 'down', '--all')).toMatchObject({
      code: 0,
      stdout: 'cli-b down\n',
    });
    expect(tracesOf(RUN_DIR, b)).toEqual([]);
    expect(await streamlab('lab', 'host', 'list', '--json')).toMatchObject({
      code: 0,
      stdout: '[]\n',
    });
  });

  it('interrupted mid-boot (SIGTERM), exits 130 and takes the host down', async () => {
    let state: ReturnType<typeof readState>;
    const child = start([process.execPath, BIN, 'lab', 'host', 'up', 'cli-int'], {
      env: { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR },
      onLine: (line, from) => {
        if (from === 'stderr' && line.includes('booting cli-int') && !state) {
          state = readState(RUN_DIR, 'cli-int');
          child.kill('SIGTERM'); // our own child, by its pid
        }
      },
    });
    const { code, stderr } = await child.exited;
    expect(stderr).toContain('interrupted: taking cli-int down');
    expect(code).toBe(130);
    expect(state).toBeDefined();
    expect(tracesOf(RUN_DIR, state!)).toEqual([]);
  });

  it('refuses a bad name with usage (exit 2), naming it', async () => {
    const r = await streamlab('lab', 'host', 'up', 'Bad_Name');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid host name "Bad_Name"');
    expect(r.stderr).toContain('see `streamlab lab host up --help`');
  });
});
