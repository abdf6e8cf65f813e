/**
 * `streamlab up`: from the config to a running lab on AWS in one command.
 */
import { resolve } from 'node:path';
import { loadConfig, DEFAULT_CONFIG_FILE } from '../../config/load';
import { ProvisionInputError } from '../../provisioning/provision';
import { EXIT, parseOptions, UsageError, UserFacingError, type Command } from '../cli/command';
import { ensureLabKeys } from '../setup/keys';
import { assertCanConfirm, terminalConfirm } from '../cli/confirm';
import { lineReporter } from '../cli/progress';
import { runUp } from '../aws-lab/up';
import { taskPrinter } from '../cli/task-printer';
import { usage } from './help/up';

export const command: Command = {
  path: ['up'],
  summary: 'Create the lab on AWS and provision its hosts (synth, apply, discover, provision)',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      yes: { type: 'boolean', short: 'y' },
      'auto-approve': { type: 'boolean' },
      'accept-new-host-keys': { type: 'boolean' },
      'skip-provision': { type: 'boolean' },
      'connect-timeout': { type: 'string' },
      'app-dir': { type: 'string' },
    });
    const connectTimeout =
      values['connect-timeout'] === undefined ? 300 : Number(values['connect-timeout']);
    if (!Number.isFinite(connectTimeout) || connectTimeout <= 0) {
      throw new UsageError(
        `--connect-timeout: "${values['connect-timeout']}" is not a number of seconds`,
      );
    }
    const yes = !!(values.yes || values['auto-approve']);
    // The config first: a missing one is the more useful thing to hear about.
    const config = loadConfig(ctx.configFile ?? DEFAULT_CONFIG_FILE);
    assertCanConfirm({ yes }, 'streamlab up');
    await ensureLabKeys(config);
    const token = process.env.STREAMLAB_X_BEARER_TOKEN;
    if (config.producer.source === 'x' && !token && !values['skip-provision']) {
      // Checked before terraform runs: a missing secret must not leave a half-made lab.
      throw new UserFacingError(
        'producer.source is "x" but STREAMLAB_X_BEARER_TOKEN is not set (nothing was changed)',
        EXIT.usage,
      );
    }
    try {
      const reporter = lineReporter();
      const result = await runUp({
        config,
        reporter,
        confirm: terminalConfirm({ yes }),
        acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
        skipProvision: values['skip-provision'] ?? false,
        connect: { deadlineMs: connectTimeout * 1000 },
        provisionOverrides: {
          ...(token ? { xBearerToken: token } : {}),
          ...(values['app-dir'] ? { producerAppDir: resolve(values['app-dir']) } : {}),
        },
        onTaskEvent: taskPrinter(reporter),
      });
      return result.exitCode;
    } catch (e) {
      if (e instanceof ProvisionInputError) throw new UserFacingError(e.message, EXIT.usage);
      throw e;
    }
  },
};
