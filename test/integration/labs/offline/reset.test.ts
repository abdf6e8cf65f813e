/**
 * `streamlab reset STUDENT --offline` on a real offline lab of two students, through the
 * CLI as a user runs it: student01's host is broken (producer stopped and disabled, a file
 * left on its disk); reset gives it a fresh disk, a new host key pinned in the inventory,
 * and a provisioned, active producer again, while student02's host (its disk, its host
 * key, its producer process) is untouched. The fresh host keeps the student's port on the
 * Kinesis gate and is in the packet filter again, paired with that port.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineInventoryPath, offlineLabRecordPath } from '../../../../labs/offline/record';
import { PRODUCER_SERVICE } from '../../../../provisioning/playbooks/producer-host';
import { run } from '../../../../process/run';
import { hostFilterTable } from '../../../../testhost/host-filter';
import { readState } from '../../../../testhost/state';
import { offlineCli } from '../../../support/offline-cli';
import { describeAsRoot } from '../../../support/root';

jest.setTimeout(900_000);

const RUN_PARENT = `/run/streamlab-offline-reset-test-${process.pid}`;
const LAB = 'bigdata-lab'; // the example config's name: no streamlab.yaml in the work dir
const cli = offlineCli(RUN_PARENT);

type Entry = {
  name: string;
  hostKeyFingerprint: string;
  stream?: string;
  endpoint?: string;
  producerEndpoint?: string;
};

/** The elements of a set of the lab's nftables table, as nft's JSON gives them. */
async function filterSet(runDir: string, set: string): Promise<unknown[]> {
  const { stdout } = await run(['nft', '-j', 'list', 'set', 'inet', hostFilterTable(runDir), set]);
  const entries = JSON.parse(stdout).nftables as { set?: { elem?: unknown[] } }[];
  return entries.find((e) => e.set)?.set?.elem ?? [];
}

describeAsRoot(
  'reset STUDENT --offline: a broken host fresh again, the other untouched (root)',
  () => {
    let work: string;
    const inventory = (): Entry[] =>
      JSON.parse(readFileSync(offlineInventoryPath(LAB, work), 'utf8')).hosts;
    const onHost = (host: string, ...command: string[]) =>
      cli(work, 'ssh', host, '--offline', '--', ...command);
    const mainPid = (host: string) =>
      onHost(host, 'systemctl', 'show', '-p', 'MainPID', '--value', PRODUCER_SERVICE).stdout.trim();

    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'streamlab-reset-'));
    });

    afterAll(() => {
      if (existsSync(offlineLabRecordPath(LAB, work)) || existsSync(join(RUN_PARENT, `lab-${LAB}`)))
        cli(work, 'lab', 'down');
      rmSync(work, { recursive: true, force: true });
      rmSync(RUN_PARENT, { recursive: true, force: true });
    });

    it('lab up --students 2, break student01, reset it: only student01 changes', async () => {
      const up = cli(work, 'lab', 'up', '--students', '2', '--json');
      expect({ status: up.status, stderr: up.status === 0 ? '' : up.stderr }).toEqual({
        status: 0,
        stderr: '',
      });
      const [one, two] = inventory();
      expect([one!.name, two!.name]).toEqual(['student01', 'student02']);

      // Break student01 the way a student with root can; mark both disks.
      for (const command of [
        ['sudo', 'systemctl', 'disable', '--now', PRODUCER_SERVICE],
        ['touch', '/home/ubuntu/broken-by-student'],
      ])
        expect(onHost('student01', ...command).status).toBe(0);
      expect(onHost('student02', 'touch', '/home/ubuntu/kept').status).toBe(0);
      const twoPid = mainPid('student02');
      expect(Number(twoPid)).toBeGreaterThan(0);
      const broken = cli(work, 'lab', 'status', '--json');
      expect(JSON.parse(broken.stdout).hosts.map((h: { producer: string }) => h.producer)).toEqual([
        'inactive',
        'active',
      ]);

      const reset = cli(work, 'reset', 'student01', '--offline');
      expect({ status: reset.status, stderr: reset.status === 0 ? '' : reset.stderr }).toEqual({
        status: 0,
        stderr: '',
      });
      expect(reset.stdout).toContain(`(was ${one!.hostKeyFingerprint})`);

      const [oneAfter, twoAfter] = inventory();
      expect(oneAfter!.hostKeyFingerprint).not.toBe(one!.hostKeyFingerprint);
      expect(oneAfter).toMatchObject({
        stream: one!.stream,
        endpoint: one!.endpoint,
        producerEndpoint: one!.producerEndpoint,
      });
      expect(twoAfter).toEqual(two);
      // The fresh host is filtered again: its veth in the hosts' set, paired with its own port.
      const runDir = join(RUN_PARENT, `lab-${LAB}`);
      const veth = readState(runDir, 'student01')!.veth;
      expect(await filterSet(runDir, 'hosts')).toContain(veth);
      const port = Number(new URL(one!.producerEndpoint!).port);
      expect(await filterSet(runDir, 'own_ports')).toContainEqual({ concat: [veth, port] });

      // student01: a fresh disk, reached with the newly pinned key, its producer active.
      expect(onHost('student01', 'test', '-e', '/home/ubuntu/broken-by-student').status).toBe(1);
      const status = cli(work, 'lab', 'status', '--json');
      expect(status.status).toBe(0);
      expect(JSON.parse(status.stdout).hosts.map((h: { producer: string }) => h.producer)).toEqual([
        'active',
        'active',
      ]);
      // student02: the same disk and the same producer process.
      expect(onHost('student02', 'test', '-e', '/home/ubuntu/kept').status).toBe(0);
      expect(mainPid('student02')).toBe(twoPid);
    });

    it('refuses a name the lab does not have (exit 2), and a missing --offline', () => {
      const unknown = cli(work, 'reset', 'student09', '--offline');
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(/"student09" is not a host of the offline lab bigdata-lab/);
      // Without --offline, reset is the AWS lab's: no streamlab.yaml here, and a hint.
      const aws = cli(work, 'reset', 'student01');
      expect(aws.status).toBe(2);
      expect(aws.stderr).toMatch(/streamlab\.yaml: no such file/);
      expect(aws.stderr).toMatch(
        /for the offline lab: npm exec --no -- streamlab reset student01 --offline/,
      );
    });
  },
);
