/**
 * `streamlab status`: per host, reachable over SSH (pinned key), producer service state,
 * and the records per second arriving in its stream.
 */
import { mapWithLimit } from '../../provisioning/engine/bounded';
import { streamNameFor } from '../../config/hosts';
import type { InventoryHost } from '../../provisioning/inventory';
import { terminalSafe, terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { cloudWatchClient } from '../aws-sdk/clients';
import { EXIT, type Command } from '../cli/command';
import { commandConfig, optionalCommandConfig } from '../cli/command-config';
import { endpointUrlOption, jsonOption, parseCommandLine } from '../cli/options';
import { probeHost, type HostStatus } from '../hosts/host-status';
import { commandInventory } from '../hosts/inventory-file';
import { cloudWatchRate, sampledRate, type StreamRate } from '../stream/rate';
import { kinesisClient } from '../stream/client';
import { usage } from './help/status';

interface Row extends HostStatus {
  readonly stream?: string;
  readonly recordsPerSecond?: number;
  readonly rateError?: string;
}

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      { inventory: { type: 'string' }, region: { type: 'string' } },
      { endpoint: endpointUrlOption, json: jsonOption },
    );
    const { endpoint } = options;
    // With --inventory the config is optional (only streams need it), unless named.
    const config = values.inventory ? optionalCommandConfig(ctx) : commandConfig(ctx);
    const { inventory } = commandInventory(values.inventory, () => config!);
    const region = values.region ?? config?.region;

    const rateOf = await rateReader(region, endpoint);
    const rows = await mapWithLimit(inventory.hosts, 10, async (h: InventoryHost): Promise<Row> => {
      const stream = config ? streamNameFor(config, h.name) : undefined;
      const [status, rate] = await Promise.all([
        probeHost(h),
        stream && rateOf ? rateOf(stream) : Promise.resolve(undefined),
      ]);
      return {
        ...status,
        ...(stream ? { stream } : {}),
        ...(rate?.recordsPerSecond !== undefined
          ? { recordsPerSecond: Number(rate.recordsPerSecond.toFixed(2)) }
          : {}),
        ...(rate?.error ? { rateError: rate.error } : {}),
      };
    });
    rateOf?.close();

    if (options.json) {
      console.log(terminalSafeJson({ hosts: rows }, 2));
    } else {
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
    return rows.every((r) => r.reachable && r.producer === 'active') ? EXIT.ok : EXIT.failed;
  },
};

type RateReader = ((stream: string) => Promise<StreamRate>) & { close(): void };

async function rateReader(
  region: string | undefined,
  endpoint: string | undefined,
): Promise<RateReader | undefined> {
  if (!region) return undefined;
  if (endpoint) {
    const kinesis = kinesisClient({ region, endpoint });
    return Object.assign((s: string) => sampledRate(kinesis, s), {
      close: () => kinesis.destroy(),
    });
  }
  const cw = cloudWatchClient(region);
  return Object.assign((s: string) => cloudWatchRate(cw, s), { close: () => cw.destroy() });
}
