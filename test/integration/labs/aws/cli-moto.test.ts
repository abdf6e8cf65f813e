/**
 * The rehearsal mode (config `rehearsal: {}`) end to end through the real `streamlab` CLI:
 * the CLI starts moto on loopback itself, boots a local test host standing in for the
 * instance (Debian 12 + OpenSSH in a network namespace) with the lab's public key, writes
 * the stack overrides the emulator needs, and runs the real terraform with the real
 * hashicorp/aws provider from the filesystem mirror: plan → up → up again → status →
 * down (with leftovers planted by name and by tag) → down, which ends the rehearsal.
 * Nothing here is copied from test code: the test only writes the config and reads what
 * the CLI left. Provisioning is skipped (`--skip-provision`; the walkthrough test runs it).
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  PutBucketTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iamNamesOfStack } from '../../../../labs/aws/leftovers';
import { inventoryPathFor } from '../../../../labs/local-state/paths';
import { isOurMoto, type MotoRecord } from '../../../../labs/rehearsal/moto';
import { rehearsalDir } from '../../../../labs/rehearsal/session';
import { rehearsalRunDir } from '../../../../labs/rehearsal/stand-ins';
import {
  describeWith,
  rehearsalSuite,
  missingForRehearsal,
  runCli,
} from '../../../support/emulated-aws';
import { ownRunDir } from '../../../support/run-dir';

const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

jest.setTimeout(900_000);

const LAB = 'motolab';
// Our own run dir: other suites may take down every host of the default one.
const RUN_DIR = ownRunDir('moto-test');

describeWith(missingForRehearsal)(
  'a rehearsal: plan / up / status / down against moto (real provider)',
  () => {
    const base = mkdtempSync(join(tmpdir(), 'streamlab-moto-'));
    const stackDir = join(base, 'cdktf.out', 'stacks', LAB);
    const inventoryFile = inventoryPathFor(LAB, base);
    const timings: Record<string, number> = {};
    // The CLI's environment: the machine's own, and our run dir for the stand-in hosts.
    const env = { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR };

    const cli = async (...args: string[]) => {
      const r = await runCli(args, base, env);
      const name = args.join(' ');
      let key = name;
      for (let n = 2; key in timings; n++) key = `${name} (#${n})`;
      timings[key] = r.ms;
      return r;
    };
    const moto = () =>
      JSON.parse(readFileSync(join(rehearsalDir(LAB, base), 'moto.json'), 'utf8')) as MotoRecord;
    /** An SDK client's settings for asking moto directly, outside the CLI. */
    const sdkConfig = () => ({
      region: 'us-east-1',
      endpoint: moto().endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const explain = (r: { stdout: string; stderr: string }) => {
      const log = join(rehearsalDir(LAB, base), 'moto.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '(no moto log)';
      return `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\nmoto (tail):\n${tail}`;
    };

    rehearsalSuite(LAB, base, RUN_DIR, () =>
      console.log(`rehearsal timings (ms): ${JSON.stringify(timings)}`),
    );

    it('plan: starts moto, lists what it cannot do, plans the default stack', async () => {
      expect((await cli('init', '--yes')).code).toBe(0);
      const r = await cli('plan');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      expect(r.stderr).toMatch(/started moto \S+ \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+/);
      expect(r.stderr).toContain('what the emulator cannot do');
      expect(r.stderr).toContain('instances never boot');
      // The mirror holds 5.100.0, the stack pins another: the message names both.
      expect(r.stderr).toMatch(
        /the stack pins hashicorp\/aws \S+; the mirrors hold [^:]*5\.100\.0/,
      );
      expect(r.stderr).toContain('AWS account 123456789012');
      expect(r.stdout).toMatch(/aws_instance\s+\+1 create/);
      expect(r.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to replace, 0 to destroy\./);
      expect(r.stderr).toContain(
        'ok: Kinesis shards per Region: need 1 new shard(s), 0 of 6000 are open',
      );
    });

    it('up --yes --skip-provision: a stand-in host, apply, discovery with the pinned key', async () => {
      const r = await cli('up', '--yes', '--skip-provision');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      // plan's moto is reused: the lab lives in it.
      expect(r.stderr).not.toContain('started moto');
      expect(r.stderr).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      const [standIn] = await testhost.hostList({ runDir: rehearsalRunDir(LAB, RUN_DIR) });
      expect(standIn?.name).toBe('lab');
      expect(r.stdout).toMatch(/host lab: ssh ubuntu@\S+ \(i-[0-9a-f]+\)\s+stream motolab-lab/);
      const saved = JSON.parse(readFileSync(inventoryFile, 'utf8'));
      expect(saved.hosts).toEqual([
        expect.objectContaining({
          name: 'lab',
          address: standIn!.address,
          user: 'ubuntu',
          hostKeyFingerprint: standIn!.hostKeyFingerprint,
          // The lab's own key, authorized on the stand-in as cloud-init would.
          privateKeyPath: join(base, '.streamlab', 'keys', LAB, 'lab'),
          // streamlab reads moto itself; the stand-in's producer writes through its own
          // port on the gate, on the hosts' service address.
          endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
          producerEndpoint: expect.stringMatching(/^http:\/\/10\.200\.\d+\.1:\d+$/),
        }),
      ]);
    });

    it('up again: nothing created or replaced, the same inventory', async () => {
      const r = await cli('up', '--yes', '--skip-provision');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      // moto keeps no tags of a Kinesis stream, so terraform puts them back on every run.
      expect(r.stdout).toMatch(
        /No changes|^ {2}aws_kinesis_stream {2}~1 update\nPlan: 0 to add, 1 to change, 0 to replace, 0 to destroy\.$/m,
      );
    });

    it('status --json: reaches the stand-in over SSH with the lab key; no producer yet (exit 1)', async () => {
      const r = await cli('status', '--json');
      const parsed = JSON.parse(r.stdout) as { hosts: Array<Record<string, unknown>> };
      expect(parsed.hosts).toEqual([
        expect.objectContaining({
          name: 'lab',
          reachable: true,
          producer: 'inactive',
          stream: 'motolab-lab',
        }),
      ]);
      expect(r.code).toBe(1);
    });

    it('down with a stray tagged bucket: destroys the stack, names the bucket, exit 1', async () => {
      const s3 = new S3Client({ ...sdkConfig(), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'motolab-stray-bucket' }));
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: 'motolab-stray-bucket',
          Tagging: {
            TagSet: [
              { Key: 'lab', Value: LAB },
              { Key: 'managed-by', Value: 'streamlab' },
            ],
          },
        }),
      );
      s3.destroy();
      const r = await cli('down', '--yes');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Plan: 0 to add, 0 to change, 0 to replace, \d+ to destroy\./);
      expect(r.stdout).toMatch(/NOT CLEAN: 1 resource\(s\) of motolab still exist:/);
      expect(r.stdout).toContain('  arn:aws:s3:::motolab-stray-bucket');
      expect(existsSync(inventoryFile)).toBe(false);
      // Not clean: the rehearsal goes on, so what is left can still be looked at.
      expect(isOurMoto(moto())).toBe(true);
      const ec2 = new EC2Client(sdkConfig());
      const instances = await ec2.send(new DescribeInstancesCommand({}));
      ec2.destroy();
      const states = (instances.Reservations ?? []).flatMap((x) =>
        (x.Instances ?? []).map((i) => i.State?.Name),
      );
      expect(states).toEqual(['terminated']);
    });

    it('down with a role of the lab by name (state is empty): exit 1, each one named', async () => {
      const { roles } = iamNamesOfStack(stackDir);
      expect(roles.length).toBeGreaterThan(0);
      const iam = new IAMClient(sdkConfig());
      await iam.send(
        new CreateRoleCommand({ RoleName: roles[0]!, AssumeRolePolicyDocument: ASSUME_EC2 }),
      );
      iam.destroy();
      const r = await cli('down', '--yes');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('nothing to destroy: the state of motolab holds no resources');
      expect(r.stdout).toMatch(/NOT CLEAN: 2 resource\(s\) of motolab still exist:/);
      expect(r.stdout).toContain(`  IAM role ${roles[0]}`);
    });

    it('down once they are gone: clean, moto stopped, the stand-in taken down', async () => {
      const record = moto();
      const iam = new IAMClient(sdkConfig());
      await iam.send(new DeleteRoleCommand({ RoleName: iamNamesOfStack(stackDir).roles[0]! }));
      iam.destroy();
      const s3 = new S3Client({ ...sdkConfig(), forcePathStyle: true });
      await s3.send(new DeleteBucketCommand({ Bucket: 'motolab-stray-bucket' }));
      s3.destroy();
      const tagging = new ResourceGroupsTaggingAPIClient(sdkConfig());
      const left = await tagging.send(
        new GetResourcesCommand({ TagFilters: [{ Key: 'lab', Values: [LAB] }] }),
      );
      tagging.destroy();
      expect(
        (left.ResourceTagMappingList ?? []).filter((m) => !/:instance\//.test(m.ResourceARN!)),
      ).toEqual([]);
      const r = await cli('down', '--yes');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      expect(r.stdout).toContain('motolab is down: nothing tagged lab=motolab remains');
      expect(r.stdout).toContain(
        'rehearsal ended: moto stopped, 1 stand-in host(s) taken down (lab)',
      );
      expect(isOurMoto(record)).toBe(false);
      expect(await testhost.hostList({ runDir: rehearsalRunDir(LAB, RUN_DIR) })).toEqual([]);
    });
  },
);

const ASSUME_EC2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
