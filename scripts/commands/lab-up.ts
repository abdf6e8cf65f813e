import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import type { TaskEvent } from '../../provisioning/engine/runner';
import { EXIT, UsageError, type Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { ensurePackages, LAB_PACKAGES, terminalAsk } from '../testhost/packages';
import { loadOfflineConfig, offlineVariant } from '../offline-lab/lab-config';
import { labUp } from '../offline-lab/up';
import { MAX_OFFLINE_STUDENTS, usage } from './help/lab-up';

const STATUS_WIDTH = 'unreachable'.length;

/** Quiet unless something changed or broke: a converged rerun prints nothing per task. */
function printTaskEvent(e: TaskEvent): void {
  if (e.status === 'ok' || e.status === 'skipped') return;
  const line = `    ${e.status.padEnd(STATUS_WIDTH)} ${e.host} | ${e.task} — ${e.reason} (${e.ms} ms)`;
  console.error(line);
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        students: { type: 'string' },
        'install-packages': { type: 'boolean', default: false },
      },
      { json: jsonOption },
    );
    let students: number | undefined;
    if (values.students !== undefined) {
      students = Number(values.students);
      if (!Number.isInteger(students) || students < 1 || students > MAX_OFFLINE_STUDENTS)
        throw new UsageError(
          `--students: "${values.students}" is not a whole number in 1..${MAX_OFFLINE_STUDENTS}`,
        );
    }
    // Before anything else: a bare machine learns at once what it lacks (or gets it).
    await ensurePackages({
      wanted: LAB_PACKAGES,
      install: values['install-packages'],
      rerun: 'streamlab lab up --install-packages',
      say: (l) => console.error(l),
      ask: terminalAsk(),
    });
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
    if (options.json) {
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
