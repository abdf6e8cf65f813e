import { hostNames, streamNameFor } from '../../config/hosts';
import { terminalSafe, terminalSafeJson } from '../../provisioning/engine/untrusted-text';
import { EXIT, UsageError, UserFacingError, type Command } from '../cli/command';
import { commandConfig } from '../cli/command-config';
import { endpointUrlOption, jsonOption, parseCommandLine } from '../cli/options';
import { loadOfflineConfig } from '../offline-lab/lab-config';
import { localEndpoint, readOfflineLab } from '../offline-lab/record';
import { kinesisClient } from '../stream/client';
import { describeRecord, readStream } from '../stream/reader';
import { usage } from './help/tail';

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values, options } = parseCommandLine(
      args,
      {
        host: { type: 'string' },
        stream: { type: 'string' },
        offline: { type: 'boolean', default: false },
        from: { type: 'string', default: 'latest' },
        limit: { type: 'string' },
        region: { type: 'string' },
      },
      { endpoint: endpointUrlOption, json: jsonOption },
    );
    const { json } = options;
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
    if (values.offline) {
      if (stream || values.host || endpoint)
        throw new UsageError(
          '--offline picks the stream and endpoint: leave out --host, --stream and --endpoint-url',
        );
      const lab = offlineLabTarget(ctx.configFile);
      ({ stream, region, endpoint } = lab);
    }
    if (!stream || !region) {
      const config = commandConfig(ctx);
      region ??= config.region;
      if (!stream) {
        const hosts = hostNames(config);
        const host = values.host ?? (hosts.length === 1 ? hosts[0] : undefined);
        if (!host) throw new UsageError(`name a host with --host (one of: ${hosts.join(', ')})`);
        if (!hosts.includes(host))
          throw new UsageError(`--host: "${host}" is not in the config (${hosts.join(', ')})`);
        stream = streamNameFor(config, host);
      }
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

/** The offline lab's stream, region and local endpoint, from its record. */
function offlineLabTarget(configFile: string | undefined): {
  stream: string;
  region: string;
  endpoint: string;
} {
  const { config } = loadOfflineConfig(configFile);
  const record = readOfflineLab(config.name);
  if (!record?.emulator)
    throw new UserFacingError(
      `no offline lab ${config.name} here: start it with \`streamlab lab up\``,
    );
  return {
    stream: record.stream,
    region: record.region,
    endpoint: localEndpoint(record.emulator.port),
  };
}

function safeJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return data.toString('base64');
  }
}
