/** The inotify arithmetic lab up refuses by, and the count it reads from /proc. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INOTIFY_HEADROOM,
  INOTIFY_PER_HOST,
  inotifyInstancesOf,
  inotifyPlan,
  inotifyProblem,
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
