/**
 * `streamlab check [STUDENT…]`: each student's milestones, pass or fail with the reason,
 * for the AWS lab (its inventory and the stack's outputs) or the offline lab (--offline).
 * The measuring is labs/class/class-snapshot.ts, the same the dashboard's tiles show.
 */
import { EXIT, InputError, OperationalError } from '../../config/errors';
import { hostNames } from '../../config/hosts';
import { terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { BUCKET_OUTPUT, readerRoleArns } from '../../stacks/outputs';
import type { Command } from '../cli/command';
import { inventoryOption, jsonOption, parseCommandLine } from '../cli/options';
import { classSnapshot, type AwsClassFacts } from '../../labs/class/class-snapshot';
import { allPass, checkTable } from '../../labs/class/check-table';
import { stackOutputs } from '../../labs/aws/stack-outputs';
import { storedReaderExternalIds } from '../../labs/local-state/reader-external-ids';
import type { LabConfig } from '../../config/schema';
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
    const config = ctx.config(choice);
    const all = ctx.inventory(choice).hosts;
    const positionals: readonly string[] = named;
    const unknown = positionals.filter((p) => !all.some((h) => h.name === p));
    if (unknown.length > 0)
      throw new InputError(
        `STUDENT: ${unknown.map((u) => JSON.stringify(u)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in lab ${config.name} (its students: ${all.map((h) => h.name).join(', ')})`,
      );
    const hosts = positionals.length > 0 ? all.filter((h) => positionals.includes(h.name)) : all;
    // A rehearsal's lake and roles are moto's: its SDK calls go there, as `up`'s did.
    if (config.rehearsal && !choice.offline)
      await enterRehearsal(config, { start: false, reporter: lineReporter() });
    const snap = await classSnapshot({
      lab: config.name,
      mode: choice.offline ? 'offline' : 'aws',
      hosts,
      ...(choice.offline ? {} : { aws: await awsFacts(config, values.outputs) }),
    });
    const pass = allPass(snap);
    if (options.json) console.log(terminalSafeJson({ ...snap, pass }, 2));
    else for (const line of checkTable(snap)) console.log(line);
    return pass ? EXIT.ok : EXIT.failed;
  },
};

/** The lake bucket and, with config consumer, the reader roles: names the stack made. */
async function awsFacts(config: LabConfig, outputsFile?: string): Promise<AwsClassFacts> {
  const outputs = await stackOutputs(config, outputsFile);
  const bucket = outputs[BUCKET_OUTPUT]?.value;
  if (typeof bucket !== 'string' || bucket === '')
    throw new OperationalError(
      `terraform output "${BUCKET_OUTPUT}" is missing (was the stack applied with this config?); run \`streamlab up\`, or pass --outputs FILE`,
    );
  return {
    bucket,
    ...(config.consumer
      ? {
          readerRoles: readerRoleArns(outputs, hostNames(config)),
          consumer: {
            principal: config.consumer.readerPrincipal,
            externalIds: storedReaderExternalIds(config.name),
          },
        }
      : {}),
  };
}
