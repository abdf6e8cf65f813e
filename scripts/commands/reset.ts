/**
 * `streamlab reset STUDENT --offline`: one student's host fresh and provisioned again.
 */
import { EXIT, UsageError } from '../../config/errors';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import type { Command } from '../cli/command';
import { parseCommandLine } from '../cli/options';
import { taskPrinter } from '../cli/task-printer';
import { lineReporter } from '../../labs/progress';
import { labReset } from '../../labs/offline/reset';
import { usage } from './help/reset';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandLine(
      args,
      { offline: { type: 'boolean' } },
      {},
      true,
    );
    const [student, ...extra] = positionals;
    if (student === undefined) throw new UsageError('reset needs the STUDENT whose host to reset');
    if (extra.length > 0)
      throw new UsageError(`reset takes one STUDENT; also given: ${extra.join(' ')}`);
    if (!values.offline)
      throw new UsageError(
        'reset works on the offline lab for now: add --offline (on AWS: see `streamlab reset --help` for the terraform -replace steps)',
      );
    const reporter = lineReporter();
    const result = await labReset({
      config: ctx.config({ offline: true }),
      student,
      reporter,
      onTaskEvent: taskPrinter(reporter, { changesOnly: true }),
    });
    reporter.note(`\nRECAP\n${formatRecap(result.recap)}`);
    if (recapExitCode(result.recap) !== 0) return EXIT.failed;
    console.log(
      `${student} is fresh: ${result.host.address}, host key ${result.host.hostKeyFingerprint ?? '?'} (was ${result.previousFingerprint ?? 'not pinned'})`,
    );
    return EXIT.ok;
  },
};
