/**
 * `streamlab reset STUDENT` on the AWS lab, rehearsed through the real CLI: moto, the real
 * terraform with hashicorp/aws from the filesystem mirror, and a local test host standing
 * in for each instance (labs/rehearsal). A class of two is brought up and provisioned;
 * ana's host is broken as a student with root can (producer stopped and disabled, a file
 * left on its disk); `reset ana --yes` replaces her instance in moto, a fresh stand-in
 * with a new host key stands in for it, the new key is pinned and her producer runs again,
 * while bruno's instance, stand-in, host key, inventory entry and producer process are
 * the ones he had. `down` then leaves no stand-in behind.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryPathFor } from '../../../../labs/local-state/paths';
import type { MotoRecord } from '../../../../labs/rehearsal/moto';
import { rehearsalDir } from '../../../../labs/rehearsal/session';
import { rehearsalRunDir } from '../../../../labs/rehearsal/stand-ins';
import { PRODUCER_SERVICE } from '../../../../provisioning/playbooks/producer-host';
import type { InventoryHost } from '../../../../provisioning/inventory';
import {
  describeWith,
  missingForRehearsal,
  rehearsalSuite,
  runCli,
} from '../../../support/emulated-aws';
import { ownRunDir } from '../../../support/run-dir';

const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

jest.setTimeout(1_500_000);

const LAB = 'resetlab';
const RUN_DIR = ownRunDir('reset-moto-test');

describeWith(missingForRehearsal)(
  'reset STUDENT on a rehearsed AWS lab of two: only that student changes',
  () => {
    const base = mkdtempSync(join(tmpdir(), 'streamlab-reset-moto-'));
    const env = { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR };
    const timings: Record<string, number> = {};
    const cli = async (...args: string[]) => {
      const r = await runCli(args, base, env);
      timings[args.slice(0, 2).join(' ')] = r.ms;
      return r;
    };
    const ok = (r: { code: number; stdout: string; stderr: string }) =>
      expect({
        code: r.code,
        out: r.code === 0 ? '' : `${r.stderr.slice(-4000)}\n${r.stdout.slice(-3000)}`,
      }).toEqual({ code: 0, out: '' });
    const inventory = (): InventoryHost[] =>
      JSON.parse(readFileSync(inventoryPathFor(LAB, base), 'utf8')).hosts;
    const entry = (name: string) => inventory().find((h) => h.name === name)!;
    const standIns = async () =>
      new Map(
        (await testhost.hostList({ runDir: rehearsalRunDir(LAB, RUN_DIR) })).map((h) => [
          h.name,
          h,
        ]),
      );
    /** Instance state by id, as moto holds it (asked directly, outside the CLI). */
    const instances = async () => {
      const moto = JSON.parse(
        readFileSync(join(rehearsalDir(LAB, base), 'moto.json'), 'utf8'),
      ) as MotoRecord;
      const ec2 = new EC2Client({
        region: 'us-east-1',
        endpoint: moto.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      try {
        const out = await ec2.send(new DescribeInstancesCommand({}));
        return new Map(
          (out.Reservations ?? [])
            .flatMap((x) => x.Instances ?? [])
            .map((i) => [i.InstanceId!, i.State?.Name] as const),
        );
      } finally {
        ec2.destroy();
      }
    };
    const onHost = (host: string, ...command: string[]) => cli('ssh', host, '--', ...command);
    const mainPid = async (host: string) =>
      (
        await onHost(host, 'systemctl', 'show', '-p', 'MainPID', '--value', PRODUCER_SERVICE)
      ).stdout.trim();
    const checkJson = async (student: string) => {
      const r = await cli('check', student, '--json');
      const snapshot = JSON.parse(r.stdout) as {
        students: Array<{ name: string; milestones: Array<{ id: string; pass: boolean }> }>;
      };
      return Object.fromEntries(snapshot.students[0]!.milestones.map((m) => [m.id, m.pass]));
    };

    rehearsalSuite(
      LAB,
      base,
      RUN_DIR,
      () => console.log(`reset rehearsal timings (ms): ${JSON.stringify(timings)}`),
      'students: [ana, bruno]\n',
    );

    it('an unknown student: exit 2 naming it and the students, before anything starts', async () => {
      expect((await cli('init', '--yes')).code).toBe(0);
      const r = await cli('reset', 'carla', '--yes');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"carla" is not a student of resetlab (its students: ana, bruno)');
      expect(existsSync(join(rehearsalDir(LAB, base), 'moto.json'))).toBe(false);
    });

    it('up --yes: two instances, two stand-ins, both producers provisioned', async () => {
      ok(await cli('up', '--yes'));
      expect(inventory().map((h) => h.name)).toEqual(['ana', 'bruno']);
    });

    it('reset ana --yes: a new instance and stand-in for ana, bruno untouched', async () => {
      const [anaBefore, brunoBefore] = [entry('ana'), entry('bruno')];
      const hostsBefore = await standIns();
      const brunoPid = await mainPid('bruno');
      expect(brunoPid).toMatch(/^[1-9]\d*$/);
      // Broken as a student with root can.
      ok(await onHost('ana', 'sudo', 'systemctl', 'disable', '--now', PRODUCER_SERVICE));
      ok(await onHost('ana', 'touch', '/home/ubuntu/broken-by-student'));
      expect((await checkJson('ana'))['producer-active']).toBe(false);

      const r = await cli('reset', 'ana', '--yes');
      ok(r);
      expect(r.stderr).toMatch(/plan -replace=aws_instance\.Student-ana_Host_Instance_\w+/);
      expect(r.stdout).toMatch(/aws_instance\s+±1 replace/);
      expect(r.stdout).toMatch(/Plan: 0 to add, \d+ to change, 1 to replace, 0 to destroy\./);

      // moto: ana's old instance terminated and a new one running; bruno's the same one.
      const anaAfter = entry('ana');
      const states = await instances();
      expect(anaAfter.instanceId).not.toBe(anaBefore.instanceId);
      expect(states.get(anaBefore.instanceId!)).toBe('terminated');
      expect(states.get(anaAfter.instanceId!)).toBe('running');
      expect(states.get(brunoBefore.instanceId!)).toBe('running');

      // A fresh stand-in for ana, its new host key pinned; bruno's stand-in and entry as they were.
      const hostsAfter = await standIns();
      expect(hostsAfter.get('ana')!.hostKeyFingerprint).not.toBe(
        hostsBefore.get('ana')!.hostKeyFingerprint,
      );
      expect(anaAfter.hostKeyFingerprint).toBe(hostsAfter.get('ana')!.hostKeyFingerprint);
      expect(anaAfter.hostKeyFingerprint).not.toBe(anaBefore.hostKeyFingerprint);
      expect(hostsAfter.get('bruno')).toEqual(hostsBefore.get('bruno'));
      expect(entry('bruno')).toEqual(brunoBefore);

      // ana's disk is new and her producer runs; bruno's producer is the same process.
      expect((await onHost('ana', 'test', '-e', '/home/ubuntu/broken-by-student')).code).toBe(1);
      expect(await mainPid('bruno')).toBe(brunoPid);
      const milestones = await checkJson('ana');
      expect(milestones).toMatchObject({
        'host-reachable': true,
        'producer-active': true,
        // The lake stays empty in a rehearsal: moto's Firehose never reads a stream.
        'lake-object': false,
      });
    });

    it("records flow into ana's stream again (check ana)", async () => {
      // The producer needs a few seconds after its start for its first records.
      let flowing = false;
      for (let i = 0; i < 12 && !flowing; i++) {
        flowing = (await checkJson('ana'))['records-flowing'] === true;
        if (!flowing) await new Promise((resolve) => setTimeout(resolve, 5000));
      }
      expect(flowing).toBe(true);
    });

    it('down: nothing left, no stand-in leaked', async () => {
      const r = await cli('down', '--yes');
      ok(r);
      expect(r.stdout).toContain('2 stand-in host(s) taken down (ana, bruno)');
      expect(await testhost.hostList({ runDir: rehearsalRunDir(LAB, RUN_DIR) })).toEqual([]);
    });
  },
);
