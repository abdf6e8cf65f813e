/**
 * `streamlab check [STUDENT…]`: each student's milestones, pass or fail with the reason,
 * for the AWS lab (its inventory and the stack's outputs) or the offline lab (--offline).
 * The measuring is labs/class/class-snapshot.ts, the same the dashboard's tiles show.
 */
import { EXIT, InputError } from '../../config/errors';
import { terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import type { Command } from '../cli/command';
import { inventoryOption, jsonOption, parseCommandLine } from '../cli/options';
import { classSnapshot } from '../../labs/class/class-snapshot';
import { chosenLab } from '../cli/lab-choice';
import { awsClassFacts } from '../../labs/class/aws-facts';
import { allPass, checkTable } from '../../labs/class/check-table';
import { lineReporter } from '../../labs/progress';
import { enterRehearsal } from '../../labs/rehearsal/session';
import { usage } from './help/check';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const {
      values,
      positionals: named,
      options,
    } = parseCommandLine(
      args,
      { outputs: { type: 'string' } },
      { json: jsonOption, choice: inventoryOption },
      true,
    );
    const { choice } = options;
    const all = ctx.inventory(choice).hosts;
    const { lab, mode } = chosenLab(ctx, choice, all);
    const positionals: readonly string[] = named;
    const unknown = positionals.filter((p) => !all.some((h) => h.name === p));
    if (unknown.length > 0)
      throw new InputError(
        `STUDENT: ${unknown.map((u) => JSON.stringify(u)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in lab ${lab} (its students: ${all.map((h) => h.name).join(', ')})`,
      );
    const hosts = positionals.length > 0 ? all.filter((h) => positionals.includes(h.name)) : all;
    const config = mode === 'offline' ? undefined : ctx.config(choice);
    // A rehearsal's lake and roles are moto's: its SDK calls go there, as `up`'s did.
    if (config?.rehearsal) await enterRehearsal(config, { start: false, reporter: lineReporter() });
    const snap = await classSnapshot({
      lab,
      mode,
      hosts,
      ...(config ? { aws: await awsClassFacts(config, values.outputs) } : {}),
    });
    const pass = allPass(snap);
    if (options.json) console.log(terminalSafeJson({ ...snap, pass }, 2));
    else for (const line of checkTable(snap)) console.log(line);
    return pass ? EXIT.ok : EXIT.failed;
  },
};
