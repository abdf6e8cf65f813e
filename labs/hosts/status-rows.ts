/**
 * The rows `status` shows, and `lab status` builds on: each host probed (SSH with its pinned
 * key, the producer service) beside the records per second into the stream its record
 * names, at the record's region and endpoint. A stream is read once however many hosts
 * share it (the offline lab's hosts all write to one).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { mapWithLimit } from '../../provisioning/engine/bounded';
import { missingFieldMessage, type InventoryHost } from '../../provisioning/inventory';
import { cloudWatchClient } from '../aws-sdk/clients';
import { kinesisClient } from '../stream/client';
import { cloudWatchRate, sampledRate, type StreamRate } from '../stream/rate';
import { PROBE_PARALLEL, probeHost, type HostStatus, type ProbeOptions } from './host-status';

export interface HostRow extends HostStatus {
  readonly stream?: string;
  readonly recordsPerSecond?: number;
  readonly rateError?: string;
}

export interface StatusRowOptions {
  /** Replaces every record's region (`--region`). */
  readonly region?: string;
  /** Replaces every record's endpoint (`--endpoint-url`). */
  readonly endpoint?: string;
  /** How long to count records against an endpoint. @default 3_000 */
  readonly rateWindowMs?: number;
  /** Read no rate (nothing could answer, e.g. the emulator is down). @default true */
  readonly rates?: boolean;
  readonly probe?: ProbeOptions;
}

export async function statusRows(
  hosts: readonly InventoryHost[],
  opts: StatusRowOptions = {},
): Promise<HostRow[]> {
  const readers = new RateReaders(opts.rateWindowMs);
  try {
    const byTarget = new Map<string, Promise<StreamRate>>();
    type Rate = Pick<StreamRate, 'recordsPerSecond' | 'error'>;
    const rateOf = (h: InventoryHost): Promise<Rate> | Rate | undefined => {
      if (opts.rates === false) return undefined;
      if (!h.stream) return { error: missingFieldMessage(h, 'stream') };
      const region = opts.region ?? h.region;
      if (!region) return { error: missingFieldMessage(h, 'region') };
      const endpoint = opts.endpoint ?? h.endpoint;
      const key = JSON.stringify([h.stream, region, endpoint ?? null]);
      if (!byTarget.has(key)) byTarget.set(key, readers.read(h.stream, region, endpoint));
      return byTarget.get(key)!;
    };
    const rates = hosts.map(rateOf);
    const probes = await mapWithLimit(hosts, PROBE_PARALLEL, (h) => probeHost(h, opts.probe));
    return Promise.all(
      probes.map(async (status, i): Promise<HostRow> => {
        const rate = await rates[i];
        const stream = hosts[i]!.stream;
        return {
          ...status,
          ...(stream ? { stream } : {}),
          ...(rate?.recordsPerSecond !== undefined
            ? { recordsPerSecond: Number(rate.recordsPerSecond.toFixed(2)) }
            : {}),
          ...(rate?.error ? { rateError: rate.error } : {}),
        };
      }),
    );
  } finally {
    readers.close();
  }
}

/**
 * One client per region and endpoint. On AWS the rate is CloudWatch's IncomingRecords; an
 * endpoint (an emulator) has no CloudWatch, so records are counted over a short window.
 */
class RateReaders {
  private readonly kinesis = new Map<string, KinesisClient>();
  private readonly cloudWatch = new Map<string, CloudWatchClient>();

  constructor(private readonly windowMs: number | undefined) {}

  read(stream: string, region: string, endpoint: string | undefined): Promise<StreamRate> {
    if (endpoint) {
      const key = `${region} ${endpoint}`;
      if (!this.kinesis.has(key)) this.kinesis.set(key, kinesisClient({ region, endpoint }));
      return sampledRate(this.kinesis.get(key)!, stream, this.windowMs);
    }
    if (!this.cloudWatch.has(region)) this.cloudWatch.set(region, cloudWatchClient(region));
    return cloudWatchRate(this.cloudWatch.get(region)!, stream);
  }

  close(): void {
    for (const c of [...this.kinesis.values(), ...this.cloudWatch.values()]) c.destroy();
  }
}
