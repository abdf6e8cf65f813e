/**
 * `streamlab down`: destroys the lab, then makes sure through the AWS APIs (EC2, Tagging,
 * IAM) that nothing with the lab's tag or names is left.
 */
import type { Command } from '../cli/command';
import { parseCommandLine, yesOption } from '../cli/options';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { defaultDownDeps, runDown } from '../../labs/aws/down';
import { EXIT } from '../../config/errors';
import { enterRehearsal, leaveRehearsal } from '../../labs/rehearsal/session';
import { rehearsalStackDeps } from '../../labs/rehearsal/deps';
import { takeDownStandIns } from '../../labs/rehearsal/stand-ins';
import { lineReporter } from '../../labs/progress';
import { usage } from './help/down';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { yes } = parseCommandLine(args, {}, { yes: yesOption }).options;
    // The config first: a missing one is the more useful thing to hear about.
    const config = ctx.config();
    assertCanConfirm({ yes }, 'streamlab down');
    const reporter = lineReporter();
    // A rehearsal's emulator is started if it stopped: terraform then finds nothing of
    // what the state lists, and the state is emptied as on AWS.
    const rehearsal = config.rehearsal
      ? await enterRehearsal(config, { start: true, reporter })
      : undefined;
    const result = await runDown(
      { config, reporter, confirm: terminalConfirm({ yes }) },
      rehearsal ? rehearsalStackDeps(defaultDownDeps, rehearsal, reporter) : defaultDownDeps,
    );
    if (rehearsal && result.exitCode === EXIT.ok) {
      const hosts = await takeDownStandIns(config);
      await leaveRehearsal(rehearsal);
      reporter.result(
        `rehearsal ended: moto stopped, ${hosts.length} stand-in host(s) taken down${hosts.length ? ` (${hosts.join(', ')})` : ''}`,
      );
    }
    return result.exitCode;
  },
};
