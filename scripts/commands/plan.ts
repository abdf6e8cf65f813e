/**
 * `streamlab plan`: what `up` would change, without changing it: synth, terraform init,
 * a plan saved to the stack dir, and its summary by resource type.
 */
import { loadConfig, DEFAULT_CONFIG_FILE } from '../../config/load';
import { EXIT, parseOptions, type Command } from '../cli/command';
import { ensureLabKeys } from '../setup/keys';
import { lineReporter } from '../cli/progress';
import {
  defaultStackDeps,
  planStack,
  prepareStack,
  preflight,
  quotaPreflight,
} from '../aws-lab/stack';
import { usage } from './help/plan';

export const command: Command = {
  path: ['plan'],
  summary: 'Show what `up` would change on AWS (terraform plan, summarized)',
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, { json: { type: 'boolean' } });
    const config = loadConfig(ctx.configFile ?? DEFAULT_CONFIG_FILE);
    await ensureLabKeys(config);
    // With --json the summary object is the only thing on stdout.
    const reporter = values.json ? { ...lineReporter(), result: () => {} } : lineReporter();
    const { binary } = await preflight(config, defaultStackDeps, reporter);
    const stack = await prepareStack(config, binary, defaultStackDeps, reporter);
    const summary = await planStack(stack, binary, reporter);
    if (summary.hasChanges) await quotaPreflight(config, summary, defaultStackDeps, reporter);
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    return EXIT.ok;
  },
};
