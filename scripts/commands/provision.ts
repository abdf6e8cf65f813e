/**
 * `streamlab provision`: runs the lab-host playbook over SSH on the inventory's hosts
 * and prints a line per task per host, then an Ansible-style recap (or one JSON object).
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import { InventoryError, loadInventory } from '../../provisioning/inventory';
import { provision, ProvisionInputError } from '../../provisioning/provision';
import { EXIT, parseOptions, UsageError, UserFacingError, type Command } from '../cli/command';
import { lineReporter } from '../cli/progress';
import { taskPrinter } from '../cli/task-printer';
import { usage } from './help/provision';

export const command: Command = {
  path: ['provision'],
  summary: 'Set up the lab hosts over SSH (apt, venv, producer service); idempotent',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      inventory: { type: 'string' },
      check: { type: 'boolean' },
      diff: { type: 'boolean' },
      limit: { type: 'string', multiple: true },
      forks: { type: 'string' },
      'endpoint-url': { type: 'string' },
      'connect-timeout': { type: 'string' },
      'app-dir': { type: 'string' },
      env: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    if (!values.inventory) throw new UsageError('--inventory FILE is required');
    const forks = values.forks === undefined ? 10 : Number(values.forks);
    if (!Number.isInteger(forks) || forks < 1 || forks > 100) {
      throw new UsageError(`--forks: "${values.forks}" is not a whole number in 1..100`);
    }
    const connectTimeout =
      values['connect-timeout'] === undefined ? 120 : Number(values['connect-timeout']);
    if (!Number.isFinite(connectTimeout) || connectTimeout < 0) {
      throw new UsageError(
        `--connect-timeout: "${values['connect-timeout']}" is not a number of seconds`,
      );
    }
    const endpointUrl = values['endpoint-url'];
    if (endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(endpointUrl)) {
      throw new UsageError(`--endpoint-url: "${endpointUrl}" is not an http(s) URL`);
    }
    const extraEnv: Record<string, string> = {};
    for (const pair of values.env ?? []) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(pair);
      if (!m) throw new UsageError(`--env: "${pair}" is not KEY=VALUE with an upper-case KEY`);
      extraEnv[m[1]!] = m[2]!;
    }
    const config = loadConfig(ctx.configFile);
    let inventory;
    try {
      inventory = loadInventory(values.inventory);
    } catch (e) {
      if (e instanceof InventoryError)
        throw new UserFacingError(`invalid inventory ${e.message}`, EXIT.usage);
      throw e;
    }
    const json = values.json ?? false;
    const reporter = lineReporter();
    let result;
    try {
      result = await provision({
        hosts: inventory.hosts,
        config,
        check: values.check ?? false,
        diff: values.diff ?? false,
        forks,
        ...(values.limit ? { limit: values.limit } : {}),
        ...(endpointUrl ? { endpointUrl } : {}),
        ...(process.env.STREAMLAB_X_BEARER_TOKEN
          ? { xBearerToken: process.env.STREAMLAB_X_BEARER_TOKEN }
          : {}),
        ...(Object.keys(extraEnv).length > 0 ? { extraEnv } : {}),
        ...(values['app-dir'] ? { producerAppDir: resolve(values['app-dir']) } : {}),
        connect: { deadlineMs: connectTimeout * 1000 },
        onEvent: json ? undefined : taskPrinter(reporter),
      });
    } catch (e) {
      if (e instanceof ProvisionInputError) throw new UserFacingError(e.message, EXIT.usage);
      throw e;
    }
    if (json) {
      console.log(JSON.stringify({ recap: result.recap, durationMs: result.durationMs }));
    } else {
      reporter.result(
        `\nRECAP${values.check ? ' (check mode: nothing was changed)' : ''}\n${formatRecap(result.recap)}`,
      );
      reporter.result(`(${result.durationMs} ms)`);
    }
    return recapExitCode(result.recap) === 0 ? EXIT.ok : EXIT.failed;
  },
};
