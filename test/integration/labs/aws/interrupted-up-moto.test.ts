/**
 * An interrupted `up` never orphans a resource, through the real `streamlab` CLI in a
 * rehearsal (moto on loopback, the real terraform and hashicorp/aws provider, a test host
 * standing in for the instance): a real SIGINT to the CLI during plan, apply, discovery and
 * provisioning is acknowledged before terraform (or the step) stops, with what happens next,
 * and exits 130; an interrupted provisioning leaves the host marked not provisioned, which
 * `status` says, and the next `up` provisions it; resources that exist under the lab's names but are not in the state (planted here as
 * an earlier run whose state was lost would leave them) are adopted by import; the next `up`
 * converges; `down` names an untagged stream that is no longer in the state, and once it is
 * gone leaves nothing.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClientConfig, type AwsServiceId } from '../../../../labs/aws-sdk/clients';
import { dataNamesOfStack, iamNamesOfStack } from '../../../../labs/aws/leftovers';
import { type MotoRecord } from '../../../../labs/rehearsal/moto';
import { rehearsalDir } from '../../../../labs/rehearsal/session';
import { unprovisionedHosts } from '../../../../labs/hosts/applied-lab';
import { appliedPathFor } from '../../../../labs/local-state/paths';
import { run, start } from '../../../../process/run';
import {
  describeWith,
  rehearsalSuite,
  missingForRehearsal,
  runCli,
  STREAMLAB_BIN,
} from '../../../support/emulated-aws';
import { ownRunDir } from '../../../support/run-dir';

jest.setTimeout(900_000);

const LAB = 'irupt';
const RUN_DIR = ownRunDir('irupt-test');

interface Interrupted {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from our SIGINT to the CLI's `interrupt:` line. */
  readonly ackMs: number;
  /** Milliseconds from our SIGINT to the CLI's exit. */
  readonly exitMs: number;
}

describeWith(missingForRehearsal)(
  'an interrupted up against moto: Ctrl-C, adoption, convergence',
  () => {
    const base = mkdtempSync(join(tmpdir(), 'streamlab-irupt-'));
    const stackDir = join(base, 'cdktf.out', 'stacks', LAB);
    const env = { ...process.env, STREAMLAB_RUN_DIR: RUN_DIR };
    const acks: Record<string, number> = {};
    const exits: Record<string, number> = {};

    const cli = (...args: string[]) => runCli(args, base, env);
    const moto = () =>
      JSON.parse(readFileSync(join(rehearsalDir(LAB, base), 'moto.json'), 'utf8')) as MotoRecord;
    /** An SDK client's settings for asking moto directly, outside the CLI. */
    const sdk = (service: AwsServiceId) => awsClientConfig(service, 'us-east-1', moto().endpoint);

    /**
     * `up --yes` (with `--skip-provision` unless told otherwise), with one SIGINT to the CLI
     * (as a terminal's Ctrl-C: the CLI's process group; terraform runs in its own) once an
     * output line matches `when`.
     */
    async function upInterrupted(
      when: RegExp,
      upArgs: string[] = ['--skip-provision'],
    ): Promise<Interrupted> {
      let sentAt = 0;
      let ackAt = 0;
      const child = start([process.execPath, STREAMLAB_BIN, 'up', '--yes', ...upArgs], {
        cwd: base,
        env,
        onLine: (line) => {
          if (!sentAt && when.test(line)) {
            sentAt = Date.now();
            child.kill('SIGINT');
          }
          if (sentAt && !ackAt && line.startsWith('interrupt:')) ackAt = Date.now();
        },
      });
      const r = await child.exited;
      const exitMs = Date.now() - sentAt;
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, ackMs: ackAt - sentAt, exitMs };
    }

    const explain = (r: { stdout: string; stderr: string }) =>
      `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

    rehearsalSuite(LAB, base, RUN_DIR, () =>
      console.log(
        `Ctrl-C acknowledged after (ms): ${JSON.stringify(acks)}; provisioning's CLI exited after (ms): ${JSON.stringify(exits)}`,
      ),
    );

    it('plan starts the rehearsal; the lab has names to plant orphans under', async () => {
      expect((await cli('init', '--yes')).code).toBe(0);
      const r = await cli('plan');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      expect(dataNamesOfStack(stackDir).streams).toEqual([`${LAB}-lab`]);
    });

    it('Ctrl-C during plan: acknowledged before terraform stops, exit 130, nothing changed', async () => {
      const r = await upInterrupted(/^==> terraform plan/);
      acks.plan = r.ackMs;
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 130 });
      const ack = r.stderr.indexOf('interrupt: asking terraform plan to stop (one interrupt)');
      const stopped = r.stderr.indexOf('interrupted: terraform plan stopped');
      expect(ack).toBeGreaterThanOrEqual(0);
      expect(stopped).toBeGreaterThan(ack);
      expect(r.stderr).toContain('nothing is being changed');
      expect(r.stderr).not.toContain('Apply complete');
    });

    it('orphans under the lab names (state lost) are adopted; Ctrl-C during apply stops it', async () => {
      // What a run whose state was lost leaves: the stream and the host role, untagged.
      const kinesis = new KinesisClient(sdk('Kinesis'));
      await kinesis.send(new CreateStreamCommand({ StreamName: `${LAB}-lab`, ShardCount: 1 }));
      kinesis.destroy();
      const role = iamNamesOfStack(stackDir).roles.find((n) => n.includes('host'))!;
      const iam = new IAMClient(sdk('IAM'));
      await iam.send(
        new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: ASSUME_EC2 }),
      );
      iam.destroy();

      const r = await upInterrupted(/: Creating\.\.\.|: Importing/);
      acks.apply = r.ackMs;
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 130 });
      expect(r.stderr).toMatch(
        new RegExp(
          `adopt \\| Kinesis stream ${LAB}-lab exists but is not in the state: the apply imports it into aws_kinesis_stream\\.`,
        ),
      );
      expect(r.stderr).toContain(`adopt | IAM role ${role} exists but is not in the state`);
      expect(r.stdout).toContain('adopt 2 existing resource(s) into the state (import)');
      const ack = r.stderr.indexOf('interrupt: asking terraform apply to stop (one interrupt)');
      expect(ack).toBeGreaterThanOrEqual(0);
      expect(r.stderr.indexOf('interrupted: terraform apply stopped')).toBeGreaterThan(ack);
      expect(r.stderr).not.toMatch(/ResourceInUseException|EntityAlreadyExists/);
      // The import blocks were this run's only.
      expect(existsSync(join(stackDir, 'streamlab-adopt.tf.json'))).toBe(false);
    });

    it('Ctrl-C during discovery: says the lab stays applied and how to go on, exit 130', async () => {
      const r = await upInterrupted(/^==> discover/);
      acks.discovery = r.ackMs;
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 130 });
      expect(r.stderr).toMatch(/Apply complete!|No changes/);
      expect(r.stderr).not.toMatch(/ResourceInUseException|EntityAlreadyExists/);
      expect(r.stderr).toContain('interrupt: stopping discovery; the lab stays applied');
      expect(r.stderr).toContain('interrupted: streamlab up stopped during discovery');
    });

    it('the next up converges: nothing to create, the inventory written', async () => {
      const r = await cli('up', '--yes', '--skip-provision');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(
        /No changes|Plan: 0 to add, \d+ to change, 0 to replace, 0 to destroy/,
      );
      expect(r.stdout).toMatch(
        new RegExp(`host lab: ssh ubuntu@\\S+ \\(i-[0-9a-f]+\\)\\s+stream ${LAB}-lab`),
      );
    });

    it('Ctrl-C during provisioning: the SSH session ends, exit 130, the host stays marked not provisioned', async () => {
      // Once the host's facts are in, a task is running or about to start.
      const r = await upInterrupted(/^ok\s+lab \| gather facts/, []);
      acks.provisioning = r.ackMs;
      exits.provisioning = r.exitMs;
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 130 });
      const ack = r.stderr.indexOf(
        'interrupt: stopping provisioning: no host starts another task and the SSH sessions end now; ' +
          'the hosts keep the tasks that finished and stay marked not provisioned',
      );
      expect(ack).toBeGreaterThanOrEqual(0);
      expect(
        r.stderr.indexOf('interrupted: streamlab up stopped during provisioning'),
      ).toBeGreaterThan(ack);
      expect(r.stderr).toContain('the hosts are not fully provisioned');
      // The run stopped short of the end: the producer's service task never reported.
      expect(r.stdout + r.stderr).not.toMatch(/\| systemd service streamlab-producer/);
      expect(unprovisionedHosts(appliedPathFor(LAB, base))).toEqual(['lab']);

      const status = await cli('status');
      expect({ code: status.code, out: explain(status) }).toMatchObject({ code: 1 });
      expect(status.stderr).toContain(
        'not fully provisioned: lab (`up` stopped before provisioning',
      );
    });

    it('the next up provisions the host: producer active, status clean', async () => {
      const r = await cli('up', '--yes');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/RECAP\nlab\s+: ok=\d+ changed=\d+ unreachable=0 failed=0/);
      expect(unprovisionedHosts(appliedPathFor(LAB, base))).toEqual([]);

      const status = await cli('status');
      expect({ code: status.code, out: explain(status) }).toMatchObject({ code: 0 });
      expect(status.stdout).toMatch(
        new RegExp(`^lab\\s+yes\\s+active\\s+\\S+\\s+${LAB}-lab$`, 'm'),
      );
      expect(status.stderr).not.toContain('not fully provisioned');
    });

    it('down names an untagged stream the state lost, and leaves nothing once it is gone', async () => {
      // The stream leaves the state (a lost or edited state file); it stays in the emulator.
      const [address] = (await run(['terraform', 'state', 'list'], { cwd: stackDir, env })).stdout
        .split('\n')
        .filter((a) => a.startsWith('aws_kinesis_stream.'));
      await run(['terraform', 'state', 'rm', address!], { cwd: stackDir, env });
      const r = await cli('down', '--yes');
      expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 1 });
      expect(r.stdout).toContain(`  Kinesis stream ${LAB}-lab`);

      const kinesis = new KinesisClient(sdk('Kinesis'));
      await kinesis.send(new DeleteStreamCommand({ StreamName: `${LAB}-lab` }));
      kinesis.destroy();
      const clean = await cli('down', '--yes');
      expect({ code: clean.code, out: explain(clean) }).toMatchObject({ code: 0 });
      expect(clean.stdout).toContain(`${LAB} is down: nothing tagged lab=${LAB} remains`);
    });
  },
);

const ASSUME_EC2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
