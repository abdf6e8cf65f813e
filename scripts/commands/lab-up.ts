import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import type { TaskEvent } from '../../provisioning/engine/runner';
import { EXIT, parseOptions, UsageError, type Command } from '../command';
import { loadOfflineConfig, offlineVariant } from '../offline-lab/lab-config';
import { labUp } from '../offline-lab/up';

const MAX_OFFLINE_STUDENTS = 60;

const usage = `Usage: streamlab lab up [--students N] [--config FILE] [--json]

Brings the lab's host side up on this machine, no AWS account needed: one local
Debian 12 test host per student (systemd-nspawn in its own network namespace, reached
over OpenSSH), a local Kinesis (kinesalite) the hosts reach on their service address,
the lab's stream, and the same lab-host playbook as on AWS: apt packages, the venv, the
producer as a systemd service (source: synthetic, since test hosts have no Internet).
Ends when the first records have arrived in the stream. Running it again converges:
changed students are added or removed, a running lab is left running.

Needs root on Linux. The first run builds the rootfs cache (a few minutes) and fills the
apt cache; later runs take seconds.

Options:
  --students N   N hosts named student01..studentNN (1..${MAX_OFFLINE_STUDENTS}) instead of the
                 config's students
  --config FILE  default: streamlab.yaml, or streamlab.example.yaml when there is none
  --json         print one JSON object at the end (progress goes to stderr):
                 {"name","stream","endpoint","hosts":[{"name","address"}],"records","inventory"}

Afterwards:
  streamlab tail --offline     the records as they arrive (Ctrl-C to stop)
  streamlab lab status         hosts, producer, records so far
  streamlab lab down           stop everything, remove every trace

Exit status: 0 up and records flowing, 1 a step failed (the message says which; running
it again resumes), 2 bad config or usage, 130 interrupted.`;

const STATUS_WIDTH = 'unreachable'.length;

/** Quiet unless something changed or broke: a converged rerun prints nothing per task. */
function printTaskEvent(e: TaskEvent): void {
  if (e.status === 'ok' || e.status === 'skipped') return;
  const line = `    ${e.status.padEnd(STATUS_WIDTH)} ${e.host} | ${e.task} — ${e.reason} (${e.ms} ms)`;
  console.error(line);
}

export const command: Command = {
  path: ['lab', 'up'],
  summary: 'Bring the lab up on this machine: test hosts, local Kinesis, producers (root)',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      students: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    let students: number | undefined;
    if (values.students !== undefined) {
      students = Number(values.students);
      if (!Number.isInteger(students) || students < 1 || students > MAX_OFFLINE_STUDENTS)
        throw new UsageError(
          `--students: "${values.students}" is not a whole number in 1..${MAX_OFFLINE_STUDENTS}`,
        );
    }
    const { config: base, source } = loadOfflineConfig(ctx.configFile);
    const config = offlineVariant(base, students);
    const t0 = Date.now();
    const step = (m: string) =>
      console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${m}`);
    step(`offline lab ${config.name} from ${source}`);
    const result = await labUp({ config, onStep: step, onTaskEvent: printTaskEvent });
    if (recapExitCode(result.recap) !== 0) {
      console.error(`\nprovisioning failed:\n${formatRecap(result.recap)}`);
      console.error('fix the cause above and run `streamlab lab up` again (it resumes)');
      return EXIT.failed;
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (values.json) {
      console.log(
        JSON.stringify({
          name: config.name,
          stream: result.record.stream,
          endpoint: result.endpoint,
          hosts: result.hosts.map((h) => ({ name: h.name, address: h.address })),
          records: result.records,
          inventory: result.inventoryFile,
        }),
      );
      return EXIT.ok;
    }
    console.log(
      `\nlab ${config.name} is up in ${seconds} s: ${result.hosts.length} host(s), records are flowing into ${result.record.stream} (${result.records} so far)`,
    );
    for (const h of result.hosts)
      console.log(`  ${h.name.padEnd(12)} ssh -i ${h.privateKeyPath} ${h.user}@${h.address}`);
    console.log(`  stream       ${result.record.stream} at ${result.endpoint}`);
    console.log(`  inventory    ${result.inventoryFile}`);
    console.log('\nnext: streamlab tail --offline | streamlab lab status | streamlab lab down');
    return EXIT.ok;
  },
};
