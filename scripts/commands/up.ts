/**
 * `streamlab up`: from the config to a running lab on AWS in one command.
 */
import { requireSourceSecret, xBearerTokenFromEnv } from '../../provisioning/provision';
import type { Command } from '../cli/command';
import { appDirOption, connectTimeoutOption, parseCommandLine, yesOption } from '../cli/options';
import { ensureLabKeys } from '../../labs/setup/keys';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { lineReporter } from '../../labs/progress';
import { defaultUpDeps, runUp, type UpDeps } from '../../labs/aws/up';
import { enterRehearsal } from '../../labs/rehearsal/session';
import { bootStandIns, rehearsalRunDir } from '../../labs/rehearsal/stand-ins';
import { ensureHostsEndpoint } from '../../labs/rehearsal/hosts-endpoint';
import { offlineVariant } from '../../labs/offline/lab-config';
import { OFFLINE_VARS } from '../../labs/offline/provisioning';
import { rehearsalUpDeps } from '../../labs/rehearsal/deps';
import { taskPrinter } from '../cli/task-printer';
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
    // The config first: a missing one is the more useful thing to hear about. A rehearsal's
    // stand-ins reach no network, so their producers run the synthetic source, as offline.
    const config = ctx.config().rehearsal ? offlineVariant(ctx.config()) : ctx.config();
    assertCanConfirm({ yes }, 'streamlab up');
    await ensureLabKeys(config);
    const token = xBearerTokenFromEnv();
    // Checked before terraform runs: a missing secret must not leave a half-made lab.
    if (!values['skip-provision']) requireSourceSecret(config, token);
    const reporter = lineReporter();
    let deps: UpDeps = defaultUpDeps;
    let kinesisEndpoint: string | undefined;
    let close = async () => {};
    if (config.rehearsal) {
      const rehearsal = await enterRehearsal(config, { start: true, reporter });
      const standIns = await bootStandIns(config, reporter);
      ({ deps, close } = await rehearsalUpDeps(defaultUpDeps, rehearsal, standIns, reporter));
      kinesisEndpoint = await ensureHostsEndpoint(
        rehearsal,
        rehearsalRunDir(config.name),
        reporter,
      );
    }
    try {
      return (
        await runUp(
          {
            config,
            reporter,
            confirm: terminalConfirm({ yes }),
            acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
            skipProvision: values['skip-provision'] ?? false,
            connect: { deadlineMs: options.connectMs },
            vars: {
              ...(config.rehearsal ? OFFLINE_VARS : {}),
              xBearerToken: token,
              producerAppDir: options.appDir,
            },
            onTaskEvent: taskPrinter(reporter),
            ...(kinesisEndpoint ? { kinesisEndpoint } : {}),
          },
          deps,
        )
      ).exitCode;
    } finally {
      await close();
    }
  },
};
