/**
 * The real `streamlab` CLI, the real terraform and the real hashicorp/aws provider (5.100.0
 * from the filesystem mirror) against moto as the AWS API: plan → up → status → down, every
 * step the commands run for real: preflight (credentials, quotas), synth, init, plan
 * summary, apply, outputs, EC2 discovery, inventory, destroy, and the leftover check.
 *
 * Test-only, each with its reason (test/support/stack-overrides.ts, ec2-host-stand-in.ts):
 * the provider version pin, detailed monitoring off, path-style S3, Canonical's current
 * images loaded into moto, and a MOCK of the two EC2 answers moto cannot give, which a
 * real local test host stands in for (Debian 12 + OpenSSH in a network namespace): the
 * console's cloud-init host-key block carries that host's real fingerprint, and the
 * instance's public address is that host's. So `status` reaches it over SSH with the
 * pinned key. The stack applied is the default one (search off: moto's OpenSearch domain
 * never finishes creating). Provisioning is skipped (`--skip-provision`): the producer
 * would need a Kinesis the host can reach, which the CLI does not let a test inject.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iamNamesOfStack } from '../../../../labs/aws/leftovers';
import { LOCAL_STATE_DIR } from '../../../../config/local-state';
import { inventoryPathFor } from '../../../../labs/local-state/paths';
import {
  describeWith,
  missingForEmulator,
  runCli,
  startEmulatedAws,
  type EmulatedAws,
} from '../../../support/emulated-aws';
import {
  emulatorProvider,
  noDetailedMonitoring,
  olderLambdaRuntime,
  pinMirroredProvider,
  writeStackOverrides,
} from '../../../support/stack-overrides';
import { isRoot } from '../../../support/root';
import { ownRunDir } from '../../../support/run-dir';

// Our own run dir, passed to every test host call: other suites may take down every
// host of the default one.
const here = { runDir: ownRunDir('moto-test') };
const testhost = require('../../../../testhost/api') as typeof import('../../../../testhost/api');

jest.setTimeout(900_000);

const LAB = 'motolab';
const HOST = 'moto-standin';

const missing = () => [
  ...missingForEmulator(),
  ...(isRoot ? [] : ['root (the stand-in host is a systemd-nspawn test host)']),
];

describeWith(missing)('streamlab plan / up / status / down against moto (real provider)', () => {
  const base = mkdtempSync(join(tmpdir(), 'streamlab-moto-'));
  const stackDir = join(base, 'cdktf.out', 'stacks', LAB);
  const inventoryFile = inventoryPathFor(LAB, base);
  let aws: EmulatedAws;
  let host: Awaited<ReturnType<typeof testhost.hostUp>>;
  const timings: Record<string, number> = {};

  const cli = async (...args: string[]) => {
    const r = await runCli(args, base, aws.env);
    const name = args.join(' ');
    let key = name;
    for (let n = 2; key in timings; n++) key = `${name} (#${n})`;
    timings[key] = r.ms;
    return r;
  };
  /** An SDK client's settings for asking moto directly, outside the CLI. */
  const sdkConfig = () => ({
    region: 'us-east-1',
    endpoint: aws.moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const explain = (r: { stdout: string; stderr: string }) =>
    `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\nmoto (tail):\n${aws.moto.log().slice(-3000)}`;

  beforeAll(async () => {
    host = await testhost.hostUp(HOST, here);
    aws = await startEmulatedAws(join(base, 'emulator'), {
      address: host.address,
      fingerprint: host.hostKeyFingerprint,
    });
    writeFileSync(
      join(base, 'streamlab.yaml'),
      `name: ${LAB}\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n`,
    );
  });

  afterAll(async () => {
    await aws?.stop();
    await testhost.hostDown(HOST, here);
    console.log(`emulator timings (ms): ${JSON.stringify(timings)}`);
    rmSync(base, { recursive: true, force: true });
  });

  it('init + synth: keys, then the stack; the test-only overrides go beside it', async () => {
    const init = await cli('init', '--yes');
    expect(init.code).toBe(0);
    // The lab's private key is the one the stand-in host accepts (its public half in the
    // stack only reaches moto).
    const key = join(base, LOCAL_STATE_DIR, 'keys', LAB, 'lab');
    copyFileSync(host.privateKeyPath, key);
    chmodSync(key, 0o600);
    const synth = await cli('synth');
    expect(synth.code).toBe(0);
    const reasons = writeStackOverrides(stackDir, [
      pinMirroredProvider,
      olderLambdaRuntime,
      noDetailedMonitoring,
      emulatorProvider({ ec2: aws.moto.endpoint }),
    ]);
    expect(reasons).toHaveLength(4);
  });

  it('plan: preflight, init from the mirror, and the summary of the default stack', async () => {
    const r = await cli('plan');
    expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
    expect(r.stderr).toContain('AWS account 123456789012');
    expect(r.stdout).toMatch(/aws_instance\s+\+1 create/);
    expect(r.stdout).toMatch(/aws_kinesis_stream\s+\+1 create/);
    expect(r.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to replace, 0 to destroy\./);
    // The quota preflight ran for real against moto: DescribeInstanceTypes and Kinesis
    // DescribeLimits answer; moto's Service Quotas knows only VPC quotas and has no
    // GetAWSDefaultServiceQuota, so the vCPU check is a warning naming what it could not check.
    expect(r.stderr).toContain('preflight: account quotas for the plan');
    // (moto answers the missing API with an HTML page, 404 or 500.)
    expect(r.stderr).toMatch(
      /warning: Running On-Demand Standard \(A, C, D, H, I, M, R, T, Z\) instances: could not check: Service Quotas GetAWSDefaultServiceQuota, after GetServiceQuota had none \(ec2 L-1216C47A\) answered HTTP \d+ with no AWS error in it/,
    );
    expect(r.stderr).toContain(
      'ok: Kinesis shards per Region: need 1 new shard(s), 0 of 6000 are open',
    );
  });

  it('up --yes --skip-provision: apply, outputs, discovery with the pinned key, inventory', async () => {
    const r = await cli('up', '--yes', '--skip-provision');
    expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
    expect(r.stderr).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    expect(r.stdout).toMatch(/host lab: ssh ubuntu@\S+ \(i-[0-9a-f]+\)\s+stream motolab-lab/);
    expect(r.stdout).toMatch(/S3 bucket: motolab-lake-\S+\s+region: us-east-1/);
    const saved = JSON.parse(readFileSync(inventoryFile, 'utf8'));
    expect(saved.hosts).toEqual([
      expect.objectContaining({
        name: 'lab',
        address: host.address,
        user: 'ubuntu',
        hostKeyFingerprint: host.hostKeyFingerprint,
      }),
    ]);
    expect(aws.standIn.rewritten).toEqual(expect.arrayContaining(['GetConsoleOutput']));
  });

  it('up again: nothing created or replaced, the same inventory', async () => {
    const r = await cli('up', '--yes', '--skip-provision');
    expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
    // moto 5.2.1 keeps no tags of a Kinesis stream (ListTagsForStream answers none), so
    // terraform puts them back on every run: that one in-place update is the emulator's.
    expect(r.stdout).toMatch(
      /No changes|^ {2}aws_kinesis_stream {2}~1 update\nPlan: 0 to add, 1 to change, 0 to replace, 0 to destroy\.$/m,
    );
    // Nothing created: the quota preflight has nothing to ask.
    expect(r.stderr).toContain('the plan creates nothing that counts against a quota');
    const saved = JSON.parse(readFileSync(inventoryFile, 'utf8'));
    expect(saved.hosts[0].hostKeyFingerprint).toBe(host.hostKeyFingerprint);
  });

  it('status --json: reaches the host over SSH with the pinned key; no producer yet (exit 1)', async () => {
    const r = await cli('status', '--json');
    const parsed = JSON.parse(r.stdout) as { hosts: Array<Record<string, unknown>> };
    expect(parsed.hosts).toEqual([
      expect.objectContaining({
        name: 'lab',
        reachable: true,
        // Not provisioned: the service does not exist, systemd calls it inactive.
        producer: 'inactive',
        stream: 'motolab-lab',
      }),
    ]);
    expect(r.code).toBe(1);
  });

  it('down --yes: destroys everything, nothing tagged lab=motolab is left, inventory removed', async () => {
    const r = await cli('down', '--yes');
    expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/Plan: 0 to add, 0 to change, 0 to replace, \d+ to destroy\./);
    expect(r.stdout).toContain('motolab is down: nothing tagged lab=motolab remains');
    expect(existsSync(inventoryFile)).toBe(false);
    // Asked independently of the CLI: the emulator holds nothing of the lab but the
    // terminated instance, which EC2 keeps listing for a while.
    const tagging = new ResourceGroupsTaggingAPIClient(sdkConfig());
    const left = await tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'lab', Values: [LAB] }] }),
    );
    tagging.destroy();
    const arns = (left.ResourceTagMappingList ?? []).map((m) => m.ResourceARN!);
    expect(arns.filter((a) => !/:instance\//.test(a))).toEqual([]);
    const ec2 = new EC2Client(sdkConfig());
    const instances = await ec2.send(new DescribeInstancesCommand({}));
    ec2.destroy();
    const states = (instances.Reservations ?? []).flatMap((x) =>
      (x.Instances ?? []).map((i) => i.State?.Name),
    );
    expect(states).toEqual(['terminated']);
  });

  it('down again with something left behind (state is empty): exit 1, each one named', async () => {
    const { roles } = iamNamesOfStack(stackDir);
    expect(roles.length).toBeGreaterThan(0);
    const iam = new IAMClient(sdkConfig());
    await iam.send(
      new CreateRoleCommand({ RoleName: roles[0]!, AssumeRolePolicyDocument: ASSUME_EC2 }),
    );
    iam.destroy();
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
    expect(r.stdout).toContain('nothing to destroy: the state of motolab holds no resources');
    expect(r.stdout).toMatch(/NOT CLEAN: 2 resource\(s\) of motolab still exist:/);
    expect(r.stdout).toContain('  arn:aws:s3:::motolab-stray-bucket');
    expect(r.stdout).toContain(`  IAM role ${roles[0]}`);
  });
});

const ASSUME_EC2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
