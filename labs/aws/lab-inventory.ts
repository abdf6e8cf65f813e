/**
 * From an applied stack to the hosts' records: Terraform outputs name the instances, their
 * streams and the region (the names synth made, read back, never recomputed); the EC2
 * API says when the instances are ready and which host keys to pin.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { hostNames, keyPathFor } from '../../config/hosts';
import type { LabConfig } from '../../config/schema';
import type { ConnectOptions } from '../../provisioning/engine/connection';
import type { InventoryHost } from '../../provisioning/inventory';
import { hostsFromOutputs, type LabOutputs } from '../../stacks/outputs';
import { discoverInventory, type DiscoveryOptions } from './discovery';
import { OperationalError } from '../../config/errors';
import type { TerraformOutput } from './terraform/runner';
import { acceptNewHostKeys } from '../hosts/accept-host-keys';

/** Outputs → per-host records, in the config's order; a missing one is an OutputsError. */
export function labOutputs(
  config: LabConfig,
  outputs: Record<string, TerraformOutput>,
): LabOutputs {
  return hostsFromOutputs(outputs, hostNames(config));
}

export interface BuildInventoryOptions {
  readonly ec2: EC2Client;
  /** Directory keysDir is relative to. @default process.cwd() */
  readonly baseDir?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly discovery?: DiscoveryOptions;
  readonly connect?: ConnectOptions;
  readonly onAccepted?: (host: string, fingerprint: string) => void;
  /**
   * The inventory saved by an earlier `up`. With acceptNewHostKeys, a host still at the
   * same address keeps its saved pin: trust on first use means first, not every run.
   */
  readonly previous?: readonly InventoryHost[];
}

export async function buildInventory(
  config: LabConfig,
  outputs: LabOutputs,
  opts: BuildInventoryOptions,
): Promise<InventoryHost[]> {
  const discovered = await discoverInventory(
    opts.ec2,
    outputs.hosts,
    (host) => keyPathFor(config, host, opts.baseDir).privateKeyPath,
    { ...opts.discovery, acceptNewHostKeys: opts.acceptNewHostKeys ?? false },
  );
  if (!opts.acceptNewHostKeys) return discovered;
  const pinned = discovered.map((h) => {
    const before = opts.previous?.find(
      (p) => p.name === h.name && p.address === h.address && p.port === h.port,
    );
    return before?.hostKeyFingerprint ? { ...h, hostKeyFingerprint: before.hostKeyFingerprint } : h;
  });
  return acceptNewHostKeys(pinned, {
    ...(opts.connect ? { connect: opts.connect } : {}),
    ...(opts.onAccepted ? { onAccepted: opts.onAccepted } : {}),
  });
}

/**
 * Each host's full record: how to reach it (discovery) joined with what the stack made for
 * it: the instance, the stream its producer writes to and the region, from the outputs.
 */
export function hostRecords(
  reachable: readonly InventoryHost[],
  outputs: LabOutputs,
): InventoryHost[] {
  return reachable.map((h) => {
    const made = outputs.hosts.find((o) => o.host === h.name);
    if (!made) throw new OperationalError(`${h.name}: no terraform outputs for this host`);
    return { ...h, instanceId: made.instanceId, stream: made.streamName, region: outputs.region };
  });
}
