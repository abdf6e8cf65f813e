/**
 * `streamlab provision`: runs the producer-host playbook over SSH on the inventory's hosts
 * and prints a line per task per host, then an Ansible-style recap (or one JSON object).
 */
import { tagName } from '../../config/host-tasks';
import { formatRecap, recapExitCode } from '../../provisioning/engine/recap';
import { EXIT, InputError, UsageError } from '../../config/errors';
import {
  checkExtraEnv,
  extraEnvNameProblem,
  isSecretName,
  SET_BY_PROVISION,
} from '../../provisioning/playbooks/extra-env';
import { provision, xBearerTokenFromEnv } from '../../provisioning/provision';
import type { Command } from '../cli/command';
import {
  appDirOption,
  connectTimeoutOption,
  endpointUrlOption,
  inventoryOption,
  jsonOption,
  parseCommandLine,
} from '../cli/options';
import { OFFLINE_VARS } from '../../labs/offline/provisioning';
import { lineReporter } from '../../labs/progress';
import { taskPrinter } from '../cli/task-printer';
import { resolve } from 'node:path';
import { markProvisioned } from '../../labs/hosts/applied-lab';
import { appliedPathFor, inventoryPathFor } from '../../labs/local-state/paths';
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

/**
 * `--env KEY=VALUE` and `--env KEY` (the value of our own environment variable KEY) as
 * the extra env file variables. A secret's value is refused on the command line (any local
 * user reads argv in /proc): it comes from the environment. Every pair is checked against
 * the producer's contract here, so the message names the option.
 */
export function envPairs(pairs: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([A-Z_][A-Z0-9_]*)(?:=(.*))?$/s.exec(pair);
    if (!m) {
      // Only the part before "=": the value may be a secret.
      const name = pair.split('=')[0]!;
      throw new UsageError(
        `--env: "${name}" is not an upper-case variable name (KEY=VALUE or KEY)`,
      );
    }
    const [, name, given] = m as unknown as [string, string, string | undefined];
    if (given !== undefined && isSecretName(name))
      throw new InputError(
        `--env ${name}=…: a secret is never taken from the command line (any local user can read it in /proc); nothing was changed`,
        {
          hint:
            name in SET_BY_PROVISION
              ? `export ${name}=… in the environment: provision reads it from there`
              : `export ${name}=… in the environment and pass --env ${name} (no value)`,
        },
      );
    const nameProblem = extraEnvNameProblem(name);
    if (nameProblem) throw new InputError(`--env ${nameProblem}`);
    const value = given ?? env[name];
    if (value === undefined)
      throw new InputError(`--env ${name}: ${name} is not set in the environment`);
    const checked = checkExtraEnv(name, value);
    if ('problem' in checked) throw new InputError(`--env ${checked.problem}`);
    out[name] = checked.value;
  }
  return out;
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
        env: { type: 'string', multiple: true },
        tags: { type: 'string', multiple: true },
        'skip-tags': { type: 'string', multiple: true },
      },
      {
        appDir: appDirOption,
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
    const extraEnv = envPairs(values.env ?? [], process.env);
    const tags = tagList('--tags', values.tags);
    const skipTags = tagList('--skip-tags', values['skip-tags']);
    // Offline: the config `lab up` ran (its synthetic source), the lab's inventory, and
    // what its hosts need beyond their records, exactly as `lab up` provisions them.
    const config = ctx.config(choice);
    const inventory = ctx.inventory(choice);
    const offline = choice.offline ? OFFLINE_VARS : {};
    const reporter = lineReporter();
    const result = await provision({
      hosts: inventory.hosts,
      config,
      vars: {
        ...offline,
        endpointUrl,
        xBearerToken: xBearerTokenFromEnv(),
        producerAppDir: options.appDir,
        extraEnv: { ...offline.extraEnv, ...extraEnv },
      },
      run: {
        check: values.check ?? false,
        diff: values.diff ?? false,
        forks,
        connect: { deadlineMs: options.connectMs },
        onEvent: json ? undefined : taskPrinter(reporter),
      },
      limit: values.limit,
      tags,
      skipTags,
    });
    // The lab's own inventory (`up --skip-provision`, or after an interrupted `up`): its
    // record of what is provisioned is what `status` reports.
    if (!values.check && !choice.offline && isOwnInventory(choice.inventory!, config.name))
      markProvisioned(appliedPathFor(config.name), result.recap);
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

/** Whether FILE is the inventory `up` saved for the lab (not a hand-written one). */
function isOwnInventory(file: string, labName: string): boolean {
  return resolve(file) === inventoryPathFor(labName);
}
