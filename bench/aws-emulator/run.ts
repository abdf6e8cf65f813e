/**
 * Wall time of `streamlab up` and `streamlab down` against an AWS API EMULATOR (moto on
 * loopback, the real terraform and hashicorp/aws 5.100.0 from the filesystem mirror), the
 * same harness as test/integration/labs/aws/cli-moto.test.ts. Emulator time, not AWS
 * time: moto creates everything at once, where AWS takes minutes for a NAT-less VPC, an
 * instance's status checks and Firehose.
 *
 *   npx tsx bench/aws-emulator/run.ts [--students N]
 *
 * Each command runs under GNU time (`/usr/bin/time -f '%e %U %S'`): wall, and CPU of the
 * CLI with its terraform children. Provisioning is skipped (nothing boots in moto).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../process/run';
import {
  fingerprintOf,
  makeHostKey,
  missingForEmulator,
  startEmulatedAws,
  STREAMLAB_BIN,
} from '../../test/support/emulated-aws';
import { MIRRORED_AWS_VERSION } from '../../labs/rehearsal/provider-mirror';
import {
  emulatorProvider,
  noDetailedMonitoring,
  olderLambdaRuntime,
  pinProvider,
  writeStackOverrides,
} from '../../labs/rehearsal/stack-overrides';

interface Timed {
  readonly wall: number;
  readonly cpu: number;
}

/** Asynchronous on purpose: the EC2 host stand-in answers from this very process. */
async function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Timed> {
  const r = await run(
    ['/usr/bin/time', '-f', '%e %U %S', process.execPath, STREAMLAB_BIN, ...args],
    {
      cwd,
      env,
      allowFailure: true,
    },
  );
  // GNU time's line is the last one on stderr.
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, user, sys] = last.split(' ').map(Number);
  if (r.code !== 0 || wall === undefined || Number.isNaN(wall))
    throw new Error(`streamlab ${args.join(' ')} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
  return { wall, cpu: (user ?? 0) + (sys ?? 0) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { students: { type: 'string', default: '1' } } });
  const students = Number(values.students);
  const missing = missingForEmulator();
  if (missing.length) throw new Error(`cannot run: ${missing.join('; ')}`);
  const base = mkdtempSync(join(tmpdir(), 'sl-bench-moto-'));
  const aws = await startEmulatedAws(join(base, 'emulator'), {
    address: '127.0.0.1',
    fingerprint: fingerprintOf(makeHostKey(base)),
  });
  try {
    const names = Array.from({ length: students }, (_, i) => `s${i + 1}`);
    writeFileSync(
      join(base, 'streamlab.yaml'),
      `name: benchlab\nregion: us-east-1\noperatorCidr: 203.0.113.7/32\n` +
        (students > 1 ? `students: [${names.join(', ')}]\n` : ''),
    );
    await timed(['init', '--yes'], base, aws.env);
    await timed(['synth'], base, aws.env);
    writeStackOverrides(join(base, 'cdktf.out', 'stacks', 'benchlab'), [
      pinProvider(MIRRORED_AWS_VERSION),
      olderLambdaRuntime,
      noDetailedMonitoring,
      emulatorProvider({ ec2: aws.moto.endpoint }),
    ]);
    const rows: Array<[string, Timed]> = [];
    const load = () => loadavg()[0]!.toFixed(1);
    const before = load();
    const up = ['up', '--yes', '--skip-provision'];
    rows.push([up.join(' '), await timed(up, base, aws.env)]);
    rows.push(['down --yes', await timed(['down', '--yes'], base, aws.env)]);
    console.log(
      `emulator time, moto ${aws.moto.version}, ${students} host(s), load average ${before} → ${load()}`,
    );
    console.log('| command | wall | CPU (user+sys) |\n|---|---|---|');
    for (const [what, t] of rows)
      console.log(`| \`streamlab ${what}\` | ${t.wall.toFixed(1)} s | ${t.cpu.toFixed(1)} s |`);
  } finally {
    await aws.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
