/**
 * `streamlab down`: destroys the lab, then makes sure through the AWS APIs (EC2, Tagging,
 * IAM) that nothing with the lab's tag or names is left.
 */
import { loadConfig, DEFAULT_CONFIG_FILE } from '../../config/load';
import { parseOptions, type Command } from '../cli/command';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { runDown } from '../aws-lab/down';
import { lineReporter } from '../cli/progress';
import { usage } from './help/down';

export const command: Command = {
  path: ['down'],
  summary: 'Destroy the lab on AWS and check that nothing of it is left',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      yes: { type: 'boolean', short: 'y' },
      'auto-approve': { type: 'boolean' },
    });
    const yes = !!(values.yes || values['auto-approve']);
    // The config first: a missing one is the more useful thing to hear about.
    const config = loadConfig(ctx.configFile ?? DEFAULT_CONFIG_FILE);
    assertCanConfirm({ yes }, 'streamlab down');
    const result = await runDown({
      config,
      reporter: lineReporter(),
      confirm: terminalConfirm({ yes }),
    });
    return result.exitCode;
  },
};
