/**
 * `streamlab tail`: a stream's input rate and its latest records. The stream, region and
 * endpoint are a host's record (--host, or the one stream the inventory's hosts share);
 * --offline picks the offline lab's inventory, and nothing else differs.
 */
import { recordField, type Inventory, type InventoryHost } from '../../provisioning/inventory';
import { terminalSafe, terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { EXIT, UsageError } from '../../config/errors';
import type { Command } from '../cli/command';
import { endpointUrlOption, inventoryOption, jsonOption, parseCommandLine } from '../cli/options';
import { findHost } from '../../labs/hosts/inventory-file';
import { kinesisClient } from '../../labs/stream/client';
import { describeRecord, readStream } from '../../labs/stream/reader';
import { usage } from './help/tail';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        host: { type: 'string' },
        stream: { type: 'string' },
        from: { type: 'string', default: 'latest' },
        limit: { type: 'string' },
        region: { type: 'string' },
      },
      { endpoint: endpointUrlOption, json: jsonOption, choice: inventoryOption },
    );
    const { json, choice } = options;
    if (values.from !== 'latest' && values.from !== 'trim-horizon') {
      throw new UsageError(`--from: "${values.from}" is not latest or trim-horizon`);
    }
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new UsageError(`--limit: "${values.limit}" is not a positive whole number`);
    }
    let stream = values.stream;
    let region = values.region;
    let endpoint = options.endpoint;
    if (stream) {
      if (values.host || choice.offline || choice.inventory)
        throw new UsageError(
          '--stream names the stream itself: leave out --host, --offline and --inventory',
        );
      region ??= ctx.config().region;
    } else {
      const host = tailedHost(ctx.inventory(choice), values.host);
      stream = recordField(host, 'stream');
      region ??= recordField(host, 'region');
      endpoint ??= host.endpoint;
    }
    const client = kinesisClient({ region, endpoint });
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    if (!json) console.error(`tailing ${stream} (${endpoint ?? region}); Ctrl-C to stop`);
    try {
      const total = await readStream(client, stream, {
        from: values.from,
        limit,
        signal: abort.signal,
        // Records are anyone's posts: no byte of theirs may act on the terminal.
        onRecord: (r) =>
          console.log(
            json
              ? terminalSafeJson({
                  type: 'record',
                  shardId: r.shardId,
                  partitionKey: r.partitionKey,
                  data: safeJson(r.data),
                })
              : `  ${terminalSafe(describeRecord(r))}`,
          ),
        onTick: (s) =>
          console.log(
            json
              ? JSON.stringify({ type: 'rate', ...s })
              : `input ${s.recordsPerSecond.toFixed(1)} rec/s  ${(s.bytesPerSecond / 1024).toFixed(1)} KB/s  total ${s.total}  behind ${s.millisBehind} ms`,
          ),
      });
      if (!json) console.error(`${total} record(s) read`);
    } finally {
      process.off('SIGINT', onSigint);
      client.destroy();
    }
    return abort.signal.aborted ? EXIT.interrupted : EXIT.ok;
  },
};

/**
 * The host whose record names the stream: --host, else the inventory's only host, else any
 * of them when they all write to one stream at one endpoint (each student of the AWS and the
 * offline lab has a stream of their own, so a class needs --host).
 */
function tailedHost(inventory: Inventory, name: string | undefined): InventoryHost {
  if (name) return findHost(inventory, name);
  const [first, ...rest] = inventory.hosts;
  const sameTarget = (h: InventoryHost) =>
    h.stream === first!.stream && h.region === first!.region && h.endpoint === first!.endpoint;
  if (first && rest.every(sameTarget)) return first;
  throw new UsageError(
    `name a host with --host: each writes to its own stream (one of: ${inventory.hosts.map((h) => h.name).join(', ')})`,
  );
}

function safeJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return data.toString('base64');
  }
}
