/**
 * `streamlab reset STUDENT`: one student's host fresh and provisioned again, on AWS (the
 * instance replaced through terraform) or with --offline (a fresh test host).
 */
import { EXIT, InputError, UsageError } from '../../config/errors';
import { streamlab } from '../../config/command-form';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import type { Command } from '../cli/command';
import type { CommandContext } from '../cli/context';
import { appDirOption, connectTimeoutOption, parseCommandLine, yesOption } from '../cli/options';
import { assertCanConfirm } from '../cli/confirm';
import { awsLabConfig, inAwsLab, prepareHostVars } from '../cli/aws-lab';
import { taskPrinter } from '../cli/task-printer';
import { lineReporter } from '../../labs/progress';
import { labReset } from '../../labs/offline/reset';
import { assertKnownStudent, runReset } from '../../labs/aws/reset';
import { UP_CONNECT_TIMEOUT_S } from './help/up';
import { usage } from './help/reset';

async function offlineReset(student: string, ctx: CommandContext): Promise<number> {
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
}

/**
 * The AWS lab's config, or its error with a hint for whoever meant the offline lab: that lab
 * has no streamlab.yaml of its own, and without --offline reset looks for one.
 */
function withOfflineHint<T>(read: () => T, student: string): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) {
      const offline = `for the offline lab: ${streamlab(`reset ${student} --offline`)}`;
      e.hint = e.hint === undefined ? offline : `${e.hint}\n${offline}`;
    }
    throw e;
  }
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, positionals, options } = parseCommandLine(
      args,
      { offline: { type: 'boolean' } },
      {
        yes: yesOption,
        connectMs: connectTimeoutOption(UP_CONNECT_TIMEOUT_S),
        appDir: appDirOption,
      },
      true,
    );
    const [student, ...extra] = positionals;
    if (student === undefined) throw new UsageError('reset needs the STUDENT whose host to reset');
    if (extra.length > 0)
      throw new UsageError(`reset takes one STUDENT; also given: ${extra.join(' ')}`);
    if (values.offline) return offlineReset(student, ctx);

    const { yes } = options;
    const config = withOfflineHint(() => awsLabConfig(ctx), student);
    // Before moto or any stand-in starts: a misspelt name costs nothing.
    assertKnownStudent(config, student);
    assertCanConfirm({ yes }, `streamlab reset ${student}`);
    const vars = await prepareHostVars(config, { provision: true, appDir: options.appDir });
    return inAwsLab(config, { yes, connectMs: options.connectMs, vars }, (shared, deps) =>
      runReset({ ...shared, student }, deps),
    );
  },
};
