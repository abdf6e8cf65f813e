/**
 * The inotify limit raised and put back for real: the kernel's own
 * fs.inotify.max_user_instances, through /proc/sys, as root. The test only ever raises it
 * above the machine's value (other test hosts on this machine keep booting), and puts the
 * machine's value back even when an expectation fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureInotifyRoom,
  INOTIFY_PER_HOST,
  inotifyInstancesOf,
  restoreInotifyLimit,
} from '../../../testhost/limits';
import { describeAsRoot } from '../../support/root';

const PROC = '/proc/sys/fs/inotify/max_user_instances';
const kernelLimit = () => Number(readFileSync(PROC, 'utf8').trim());

describeAsRoot('fs.inotify.max_user_instances raised by lab up and put back by lab down', () => {
  const machine = kernelLimit();
  const runDir = mkdtempSync(join(tmpdir(), 'streamlab-limits-run-'));

  afterAll(() => {
    // Whatever happened above, the machine's value: unless someone else raised it since.
    const now = kernelLimit();
    if (now !== machine && now > machine && now <= machine * 8) writeFileSync(PROC, `${machine}\n`);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('with consent it raises the kernel limit above what the hosts need, and restores it exactly', async () => {
    // More hosts than the machine's limit has room for, whatever it is now.
    const hosts = Math.ceil((machine - inotifyInstancesOf(0)) / INOTIFY_PER_HOST) + 2;
    const said: string[] = [];
    const plan = await ensureInotifyRoom(hosts, runDir, {
      raise: true,
      rerun: 'streamlab lab up --raise-limits',
      say: (l) => said.push(l),
    });
    expect(plan.limit).toBeGreaterThan(machine);
    expect(kernelLimit()).toBe(plan.limit);
    expect(said).toEqual([
      `raised fs.inotify.max_user_instances from ${machine} to ${plan.limit} for ${hosts} new host(s); lab down puts ${machine} back`,
    ]);
    restoreInotifyLimit(runDir, (l) => said.push(l));
    expect(kernelLimit()).toBe(machine);
  });

  it('without consent it refuses and the kernel keeps its value', async () => {
    const hosts = Math.ceil((machine - inotifyInstancesOf(0)) / INOTIFY_PER_HOST) + 2;
    await expect(
      ensureInotifyRoom(hosts, runDir, {
        raise: false,
        rerun: 'streamlab lab up --raise-limits',
        say: () => {},
      }),
    ).rejects.toThrow(/--raise-limits/);
    expect(kernelLimit()).toBe(machine);
  });
});
