import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import { streamlab } from '../../config/command-form';
import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { lineReporter } from '../../labs/progress';
import { taskPrinter } from '../cli/task-printer';
import { ensurePackages, LAB_PACKAGES, terminalAsk } from '../../testhost/packages';
import { offlineVariant } from '../../labs/offline/lab-config';
import { labUp } from '../../labs/offline/up';
import { producerEndpoint } from '../../labs/stream/host-gate';
import { streamNameFor } from '../../config/hosts';
import { offlineRunDir } from '../../labs/offline/run-dir';
import { runDirFromEnv } from '../../testhost/paths';
import { MAX_OFFLINE_STUDENTS, usage } from './help/lab-up';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        students: { type: 'string' },
        'install-packages': { type: 'boolean', default: false },
        'raise-limits': { type: 'boolean', default: false },
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
    // Progress on stderr: stdout is the lab's summary, or its JSON under --json.
    const reporter = lineReporter();
    // Before anything else: a bare machine learns at once what it lacks (or gets it).
    await ensurePackages({
      wanted: LAB_PACKAGES,
      install: values['install-packages'],
      rerun: 'streamlab lab up --install-packages',
      say: (l) => reporter.note(l),
      ask: terminalAsk(),
    });
    const { config: base, source } = ctx.offlineConfig();
    const config = offlineVariant(base, students);
    const t0 = Date.now();
    reporter.note(`offline lab ${config.name} from ${source}`);
    const result = await labUp({
      config,
      runDir: offlineRunDir(config.name, runDirFromEnv()),
      reporter,
      onTaskEvent: taskPrinter(reporter, { changesOnly: true }),
      raiseLimits: {
        raise: values['raise-limits'],
        rerun: 'streamlab lab up --raise-limits',
        ask: terminalAsk(),
      },
    });
    if (recapExitCode(result.recap) !== 0) {
      reporter.note(`\nprovisioning failed:\n${formatRecap(result.recap)}`);
      reporter.note('fix the cause above and run `streamlab lab up` again (it resumes)');
      return EXIT.failed;
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (options.json) {
      console.log(
        JSON.stringify({
          name: config.name,
          endpoint: result.endpoint,
          hosts: result.hosts.map((h) => ({
            name: h.name,
            address: h.address,
            stream: streamNameFor(config, h.name),
            producerEndpoint: producerEndpoint(result.gate, h.name),
          })),
          inventory: result.inventoryFile,
        }),
      );
      return EXIT.ok;
    }
    console.log(
      `\nlab ${config.name} is up in ${seconds} s: ${result.hosts.length} host(s), records are flowing into each one's own stream`,
    );
    for (const h of result.hosts)
      console.log(
        `  ${h.name.padEnd(12)} ssh -i ${h.privateKeyPath} ${h.user}@${h.address}  stream ${streamNameFor(config, h.name)} via ${producerEndpoint(result.gate, h.name)}`,
      );
    console.log(
      `  kinesalite   ${result.endpoint} (this machine's commands; hosts go through the gate)`,
    );
    console.log(`  inventory    ${result.inventoryFile}`);
    const tail =
      result.hosts.length === 1
        ? 'tail --offline'
        : `tail --offline --host ${result.hosts[0]!.name}`;
    console.log(`\nnext: ${[tail, 'lab status', 'lab down'].map(streamlab).join(' | ')}`);
    return EXIT.ok;
  },
};
