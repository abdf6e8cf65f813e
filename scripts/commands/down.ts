/**
 * `streamlab down`: destroys the lab, then makes sure through the AWS APIs (EC2, Tagging,
 * IAM) that nothing with the lab's tag or names is left.
 */
import type { Command } from '../cli/command';
import { parseCommandLine, yesOption } from '../cli/options';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { runDown } from '../../labs/aws/down';
import { lineReporter } from '../../labs/progress';
import { usage } from './help/down';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { yes } = parseCommandLine(args, {}, { yes: yesOption }).options;
    // The config first: a missing one is the more useful thing to hear about.
    const config = ctx.config();
    assertCanConfirm({ yes }, 'streamlab down');
    const result = await runDown({
      config,
      reporter: lineReporter(),
      confirm: terminalConfirm({ yes }),
    });
    return result.exitCode;
  },
};
