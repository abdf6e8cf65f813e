/**
 * `streamlab dashboard`'s work, for either lab: the hosts' records name each student's
 * stream, region and endpoint (the offline lab's point at the local emulator), and nothing
 * past that choice differs. Reads every stream, serves the page, and returns its address.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { InventoryHost } from '../../provisioning/inventory';
import { recordField } from '../../provisioning/inventory';
import { ClassMonitor, type AwsClassFacts } from '../class/class-snapshot';
import type { ClassSnapshot } from '../class/snapshot';
import { kinesisClient } from '../stream/client';
import { LiveFeed } from './live-feed';
import { startDashboardServer } from './server';

export interface DashboardOptions {
  readonly lab: string;
  readonly mode: ClassSnapshot['mode'];
  readonly hosts: readonly InventoryHost[];
  /** Required with mode 'aws' (labs/class/aws-facts.ts). */
  readonly aws?: AwsClassFacts;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The analysis table's row cap. @default 50_000 */
  readonly maxRows?: number;
}

export interface RunningDashboard {
  /** The address with the token: for the operator's terminal only. */
  readonly url: string;
  readonly port: number;
  readonly feed: LiveFeed;
  close(): Promise<void>;
}

/** How long a host's SSH probe (and, on AWS, a lake listing or CloudWatch chart) is reused. */
const PROBE_EVERY_MS = 10_000;

export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  // One client per region and endpoint, one reader per stream however many hosts share it.
  const clients = new Map<string, KinesisClient>();
  const streams = new Map<string, KinesisClient>();
  for (const h of opts.hosts) {
    const stream = recordField(h, 'stream');
    const region = recordField(h, 'region');
    const key = JSON.stringify([region, h.endpoint ?? null]);
    if (!clients.has(key)) clients.set(key, kinesisClient({ region, endpoint: h.endpoint }));
    if (!streams.has(stream)) streams.set(stream, clients.get(key)!);
  }
  // The tiles are `streamlab check`'s measurement, repeated: SSH probes, lake listings
  // and CloudWatch's per-minute charts are reused for PROBE_EVERY_MS between rounds.
  const monitor = new ClassMonitor({
    lab: opts.lab,
    mode: opts.mode,
    hosts: opts.hosts,
    ...(opts.aws ? { aws: opts.aws } : {}),
    slowEveryMs: PROBE_EVERY_MS,
  });
  const feed = await LiveFeed.start({
    streams: [...streams].map(([stream, client]) => ({ stream, client })),
    ...(opts.maxRows === undefined ? {} : { maxRows: opts.maxRows }),
    snapshot: () => monitor.snapshot(),
  });
  const stop = async () => {
    await feed.close();
    await monitor.close();
    for (const c of clients.values()) c.destroy();
  };
  try {
    const server = await startDashboardServer({
      feed,
      ...(opts.port === undefined ? {} : { port: opts.port }),
    });
    return {
      url: server.url,
      port: server.port,
      feed,
      close: async () => {
        await server.close();
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
