/**
 * `streamlab provision`: runs the producer-host playbook over SSH on the inventory's hosts
 * and prints a line per task per host, then an Ansible-style recap (or one JSON object).
 */
import { resolve } from 'node:path';
import { tagName } from '../../config/host-tasks';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import { loadInventory } from '../../provisioning/inventory';
import { provision } from '../../provisioning/provision';
import { EXIT, UsageError, type Command } from '../cli/command';
import { commandConfig } from '../cli/command-config';
import {
  connectTimeoutOption,
  endpointUrlOption,
  inventoryOption,
  jsonOption,
  parseCommandLine,
} from '../cli/options';
import { chosenInventory } from '../../labs/offline/inventory-option';
import { loadOfflineConfig, offlineVariant } from '../../labs/offline/lab-config';
import { OFFLINE_PROVISIONING } from '../../labs/offline/provisioning';
import { lineReporter } from '../../labs/progress';
import { taskPrinter } from '../cli/task-printer';
import { PROVISION_CONNECT_TIMEOUT_S, usage } from './help/provision';

/** `--tags a,b --tags c` as [a, b, c]; each must be a tag a task could carry. */
function tagList(option: string, given: readonly string[] | undefined): string[] {
  const tags = (given ?? []).flatMap((v) => v.split(',')).map((t) => t.trim());
  for (const t of tags) {
    const r = tagName.safeParse(t);
    if (!r.success) throw new UsageError(`${option}: ${r.error.issues[0]!.message}`);
  }
  return tags;
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        check: { type: 'boolean' },
        diff: { type: 'boolean' },
        limit: { type: 'string', multiple: true },
        forks: { type: 'string' },
        'app-dir': { type: 'string' },
        env: { type: 'string', multiple: true },
        tags: { type: 'string', multiple: true },
        'skip-tags': { type: 'string', multiple: true },
      },
      {
        endpointUrl: endpointUrlOption,
        connectMs: connectTimeoutOption(PROVISION_CONNECT_TIMEOUT_S),
        json: jsonOption,
        choice: inventoryOption,
      },
    );
    const { endpointUrl, json, choice } = options;
    if (!choice.inventory && !choice.offline)
      throw new UsageError('--inventory FILE is required (or --offline: the offline lab)');
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
    const tags = tagList('--tags', values.tags);
    const skipTags = tagList('--skip-tags', values['skip-tags']);
    // Offline: the config `lab up` ran (its synthetic source), the lab's inventory, and
    // what its hosts need beyond their records, exactly as `lab up` provisions them.
    const config = choice.offline
      ? offlineVariant(loadOfflineConfig(ctx.configFile).config)
      : commandConfig(ctx);
    const inventory = choice.offline
      ? chosenInventory(choice, ctx.configFile, () => config).inventory
      : loadInventory(choice.inventory!);
    const offline = choice.offline ? OFFLINE_PROVISIONING : undefined;
    const reporter = lineReporter();
    const result = await provision({
      hosts: inventory.hosts,
      config,
      check: values.check ?? false,
      diff: values.diff ?? false,
      forks,
      ...(values.limit ? { limit: values.limit } : {}),
      tags,
      skipTags,
      ...(endpointUrl ? { endpointUrl } : {}),
      ...(process.env.STREAMLAB_X_BEARER_TOKEN
        ? { xBearerToken: process.env.STREAMLAB_X_BEARER_TOKEN }
        : {}),
      ...(offline ? { upgradePip: offline.upgradePip } : {}),
      ...(offline || Object.keys(extraEnv).length > 0
        ? { extraEnv: { ...offline?.extraEnv, ...extraEnv } }
        : {}),
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
