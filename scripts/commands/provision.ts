/**
 * `streamlab provision`: runs the lab-host playbook over SSH on the inventory's hosts
 * and prints a line per task per host, then an Ansible-style recap (or one JSON object).
 */
import { resolve } from 'node:path';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import { loadInventory } from '../../provisioning/inventory';
import { provision } from '../../provisioning/provision';
import { EXIT, UsageError, type Command } from '../cli/command';
import { commandConfig } from '../cli/command-config';
import {
  connectTimeoutOption,
  endpointUrlOption,
  jsonOption,
  parseCommandLine,
} from '../cli/options';
import { lineReporter } from '../cli/progress';
import { taskPrinter } from '../cli/task-printer';
import { PROVISION_CONNECT_TIMEOUT_S, usage } from './help/provision';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        inventory: { type: 'string' },
        check: { type: 'boolean' },
        diff: { type: 'boolean' },
        limit: { type: 'string', multiple: true },
        forks: { type: 'string' },
        'app-dir': { type: 'string' },
        env: { type: 'string', multiple: true },
      },
      {
        endpointUrl: endpointUrlOption,
        connectMs: connectTimeoutOption(PROVISION_CONNECT_TIMEOUT_S),
        json: jsonOption,
      },
    );
    const { endpointUrl, json } = options;
    if (!values.inventory) throw new UsageError('--inventory FILE is required');
    const forks = values.forks === undefined ? 10 : Number(values.forks);
    if (!Number.isInteger(forks) || forks < 1 || forks > 100) {
      throw new UsageError(`--forks: "${values.forks}" is not a whole number in 1..100`);
    }
    const extraEnv: Record<string, string> = {};
    for (const pair of values.env ?? []) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(pair);
      if (!m) throw new UsageError(`--env: "${pair}" is not KEY=VALUE with an upper-case KEY`);
      extraEnv[m[1]!] = m[2]!;
    }
    const config = commandConfig(ctx);
    const inventory = loadInventory(values.inventory);
    const reporter = lineReporter();
    const result = await provision({
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
      connect: { deadlineMs: options.connectMs },
      onEvent: json ? undefined : taskPrinter(reporter),
    });
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
