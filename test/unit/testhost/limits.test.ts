/** The inotify arithmetic lab up refuses by, and the count it reads from /proc. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureInotifyRoom,
  INOTIFY_HEADROOM,
  INOTIFY_PER_HOST,
  inotifyInstancesOf,
  inotifyPlan,
  inotifyProblem,
  RAISED_LIMIT_FILE,
  restoreInotifyLimit,
} from '../../../testhost/limits';

describe('inotifyPlan', () => {
  it('the default limit (128) with 32 in use fits 10 new hosts, not 11 or 30', () => {
    expect(INOTIFY_PER_HOST).toBe(8);
    expect(INOTIFY_HEADROOM).toBe(16);
    expect(inotifyPlan(128, 32, 10)).toEqual({
      limit: 128,
      inUse: 32,
      newHosts: 10,
      needed: 80,
      enough: true,
      raiseTo: 128,
    });
    expect(inotifyPlan(128, 32, 11).enough).toBe(false);
    expect(inotifyPlan(128, 32, 30)).toMatchObject({ needed: 240, enough: false, raiseTo: 288 });
    expect(inotifyPlan(512, 32, 30).enough).toBe(true);
  });

  it('the refusal gives the numbers, the command with a round target, and how to undo it', () => {
    const text = inotifyProblem(inotifyPlan(128, 32, 30));
    expect(text).toMatch(
      /^30 more test host\(s\) need about 240 inotify instances \(8 each\), but root has 32 of fs\.inotify\.max_user_instances = 128 in use/,
    );
    expect(text).toContain('  sysctl -w fs.inotify.max_user_instances=512\n');
    expect(text).toContain('to undo: sysctl -w fs.inotify.max_user_instances=128');
  });
});

describe('inotifyInstancesOf', () => {
  it('counts the fds on anon_inode:inotify of the given user’s processes', () => {
    const proc = mkdtempSync(join(tmpdir(), 'streamlab-proc-'));
    try {
      for (const [pid, links] of [
        ['101', ['anon_inode:inotify', 'anon_inode:inotify', 'socket:[1]']],
        ['102', ['anon_inode:[eventpoll]', 'anon_inode:inotify']],
      ] as const) {
        mkdirSync(join(proc, pid, 'fd'), { recursive: true });
        links.forEach((to, i) => symlinkSync(to, join(proc, pid, 'fd', String(i))));
      }
      mkdirSync(join(proc, 'self'));
      const me = process.getuid!();
      expect(inotifyInstancesOf(me, proc)).toBe(3);
      expect(inotifyInstancesOf(me + 12345, proc)).toBe(0);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});

describe('ensureInotifyRoom and restoreInotifyLimit (a stand-in for the /proc/sys file)', () => {
  let dir: string;
  let limitFile: string;
  let runDir: string;
  const said: string[] = [];
  const say = (l: string) => said.push(l);
  const limit = () => Number(readFileSync(limitFile, 'utf8'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamlab-limits-'));
    limitFile = join(dir, 'max_user_instances');
    runDir = join(dir, 'run');
    said.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without consent or a terminal it refuses, names the flag, and changes nothing', async () => {
    writeFileSync(limitFile, '8\n');
    await expect(
      ensureInotifyRoom(
        30,
        runDir,
        { raise: false, rerun: 'streamlab lab up --raise-limits', say },
        limitFile,
      ),
    ).rejects.toThrow(
      /sysctl -w fs\.inotify\.max_user_instances=\d+[\s\S]*streamlab lab up --raise-limits/,
    );
    expect(limit()).toBe(8);
    expect(existsSync(join(runDir, RAISED_LIMIT_FILE))).toBe(false);
  });

  it('a no on the terminal refuses too; a yes raises, records the old value, and down puts it back', async () => {
    writeFileSync(limitFile, '8\n');
    const no = async () => false;
    await expect(
      ensureInotifyRoom(30, runDir, { raise: false, rerun: 'r', say, ask: no }, limitFile),
    ).rejects.toThrow(/nothing|sysctl/);
    expect(limit()).toBe(8);
    const questions: string[] = [];
    const yes = async (q: string) => (questions.push(q), true);
    const plan = await ensureInotifyRoom(
      30,
      runDir,
      { raise: false, rerun: 'r', say, ask: yes },
      limitFile,
    );
    expect(questions[0]).toMatch(
      /^Raise fs\.inotify\.max_user_instances from 8 to \d+ now \(lab down puts 8 back\)\?$/,
    );
    expect(limit()).toBe(plan.limit);
    expect(limit()).toBeGreaterThanOrEqual(plan.raiseTo);
    expect(JSON.parse(readFileSync(join(runDir, RAISED_LIMIT_FILE), 'utf8'))).toEqual({
      setting: 'fs.inotify.max_user_instances',
      previous: 8,
      raisedTo: plan.limit,
    });
    restoreInotifyLimit(runDir, say, limitFile);
    expect(limit()).toBe(8);
    expect(existsSync(join(runDir, RAISED_LIMIT_FILE))).toBe(false);
    expect(said.at(-1)).toBe(`put fs.inotify.max_user_instances back from ${plan.limit} to 8`);
  });

  it('a limit someone changed since the raise is left as they set it', async () => {
    writeFileSync(limitFile, '8\n');
    await ensureInotifyRoom(30, runDir, { raise: true, rerun: 'r', say }, limitFile);
    writeFileSync(limitFile, '100000\n');
    restoreInotifyLimit(runDir, say, limitFile);
    expect(limit()).toBe(100000);
    expect(said.at(-1)).toMatch(/^left fs\.inotify\.max_user_instances at 100000/);
  });

  it('enough room: nothing asked, nothing written; nothing recorded: down does nothing', async () => {
    writeFileSync(limitFile, '1000000\n');
    const ask = jest.fn();
    await ensureInotifyRoom(30, runDir, { raise: false, rerun: 'r', say, ask }, limitFile);
    expect(ask).not.toHaveBeenCalled();
    restoreInotifyLimit(runDir, say, limitFile);
    expect(limit()).toBe(1000000);
    expect(said).toEqual([]);
  });
});
