/**
 * `streamlab up`: from the config to a running lab on AWS in one command.
 */
import type { Command } from '../cli/command';
import { appDirOption, connectTimeoutOption, parseCommandLine, yesOption } from '../cli/options';
import { assertCanConfirm } from '../cli/confirm';
import { awsLabConfig, inAwsLab, prepareHostVars } from '../cli/aws-lab';
import { runUp } from '../../labs/aws/up';
import { UP_CONNECT_TIMEOUT_S, usage } from './help/up';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        'accept-new-host-keys': { type: 'boolean' },
        'skip-provision': { type: 'boolean' },
      },
      {
        yes: yesOption,
        connectMs: connectTimeoutOption(UP_CONNECT_TIMEOUT_S),
        appDir: appDirOption,
      },
    );
    const { yes } = options;
    // The config first: a missing one is the more useful thing to hear about.
    const config = awsLabConfig(ctx);
    assertCanConfirm({ yes }, 'streamlab up');
    const skipProvision = values['skip-provision'] ?? false;
    const vars = await prepareHostVars(config, {
      provision: !skipProvision,
      appDir: options.appDir,
    });
    return inAwsLab(config, { yes, connectMs: options.connectMs, vars }, (shared, deps) =>
      runUp(
        {
          ...shared,
          acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
          skipProvision,
        },
        deps,
      ),
    );
  },
};
