/**
 * `streamlab status`: per host, reachable over SSH (pinned key), producer service state,
 * and the records per second arriving in its stream.
 */
import { terminalSafe, terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { EXIT } from '../../config/errors';
import type { Command } from '../cli/command';
import { endpointUrlOption, inventoryOption, jsonOption, parseCommandLine } from '../cli/options';
import { statusRows } from '../../labs/hosts/status-rows';
import { appliedClassEnd, classEndLine } from '../../labs/class/end-time';
import { usage } from './help/status';
import { streamlab } from '../../config/command-form';
import { unprovisionedHosts } from '../../labs/hosts/applied-lab';
import { appliedPathFor } from '../../labs/local-state/paths';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { region: { type: 'string' } },
      { endpoint: endpointUrlOption, json: jsonOption, choice: inventoryOption },
    );
    const { endpoint } = options;
    // Each record names its stream, region and endpoint: the config only locates the
    // inventory `up` saved, so with --inventory or --offline none is needed.
    const inventory = ctx.inventory(options.choice);
    // The end AWS enforces, as `up`/`extend` applied it: only the AWS lab has one.
    const ownLab = !options.choice.offline && options.choice.inventory === undefined;
    const classEnd = ownLab ? appliedClassEnd(ctx.config()) : undefined;
    // What `up` recorded: hosts its provisioning did not finish on (an error, Ctrl-C).
    const unfinished = ownLab ? unprovisionedHosts(appliedPathFor(ctx.config().name)) : [];
    const rows = await statusRows(inventory.hosts, {
      ...(values.region ? { region: values.region } : {}),
      ...(endpoint ? { endpoint } : {}),
    });

    if (options.json) {
      const end = classEnd ? { classEndsAt: classEnd.toISOString() } : {};
      const marked = rows.map((r) => ({ ...r, provisioned: !unfinished.includes(r.name) }));
      console.log(terminalSafeJson({ ...end, hosts: ownLab ? marked : rows }, 2));
    } else {
      if (classEnd) {
        const line = classEndLine(classEnd);
        (line.warning ? console.error : console.log)(
          line.warning ? `WARNING: ${line.text}` : line.text,
        );
      }
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      console.log(`${'HOST'.padEnd(width)}  REACHABLE  PRODUCER  RECORDS/S  STREAM`);
      for (const r of rows) {
        const rate = r.recordsPerSecond === undefined ? '-' : r.recordsPerSecond.toFixed(1);
        console.log(
          `${r.name.padEnd(width)}  ${(r.reachable ? 'yes' : 'NO').padEnd(9)}  ${r.producer.padEnd(8)}  ${rate.padStart(9)}  ${r.stream ?? '-'}`,
        );
      }
      // Errors quote what the host printed (systemctl's output): shown, never executed.
      for (const r of rows) {
        if (r.error) console.error(terminalSafe(`${r.name}: ${r.error}`));
        if (r.rateError)
          console.error(terminalSafe(`${r.name}: records/s unavailable: ${r.rateError}`));
      }
    }
    if (unfinished.length > 0 && !options.json)
      console.error(
        `not fully provisioned: ${unfinished.join(', ')} (\`up\` stopped before provisioning finished there); ` +
          `next: \`${streamlab('up')}\` provisions them, \`${streamlab('down')}\` removes the lab`,
      );
    const healthy = rows.every((r) => r.reachable && r.producer === 'active');
    return healthy && unfinished.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
