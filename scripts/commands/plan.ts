/**
 * `streamlab plan`: what `up` would change, without changing it: synth, terraform init,
 * a plan saved to the stack dir, and its summary by resource type.
 */
import { EXIT } from '../../config/errors';
import type { Command } from '../cli/command';
import { jsonOption, parseCommandLine } from '../cli/options';
import { ensureLabKeys } from '../../labs/setup/keys';
import { lineReporter } from '../../labs/progress';
import {
  defaultStackDeps,
  planStack,
  prepareStack,
  preflight,
  quotaPreflight,
  warnExampleCidr,
} from '../../labs/aws/stack';
import { enterRehearsal } from '../../labs/rehearsal/session';
import { rehearsalStackDeps } from '../../labs/rehearsal/deps';
import { usage } from './help/plan';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { json } = parseCommandLine(args, {}, { json: jsonOption }).options;
    const config = ctx.config();
    await ensureLabKeys(config);
    // With --json the summary object is the only thing on stdout.
    const reporter = json ? { ...lineReporter(), result: () => {} } : lineReporter();
    const deps = config.rehearsal
      ? rehearsalStackDeps(
          defaultStackDeps,
          await enterRehearsal(config, { start: true, reporter }),
          reporter,
        )
      : defaultStackDeps;
    const { binary } = await preflight(config, deps, reporter);
    warnExampleCidr(config, reporter);
    const stack = await prepareStack(config, binary, deps, reporter);
    const summary = await planStack(stack, binary, reporter);
    if (summary.hasChanges) await quotaPreflight(config, summary, deps, reporter);
    if (json) console.log(JSON.stringify(summary, null, 2));
    return EXIT.ok;
  },
};
