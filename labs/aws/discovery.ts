/**
 * Finds the lab's hosts after `apply`: instance ids from Terraform outputs, readiness and
 * pinned host keys from the EC2 API. The result is the provisioner's inventory.
 */
import { streamlab } from '../../config/command-form';
import {
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  waitUntilInstanceStatusOk,
} from '@aws-sdk/client-ec2';
import type { InventoryHost } from '../../provisioning/inventory';
import type { HostRecord } from '../../stacks/outputs';
import { EXIT, OperationalError } from '../../config/errors';
import { messageInWords } from '../../config/errno';
import { sleep as sleepUnless } from '../../process/run';
import { parseConsoleHostKeys, preferredPin } from './host-keys';

/** The part of a host's stack outputs that discovery reads: which instance, which address. */
type StackHost = Pick<HostRecord, 'host' | 'instanceId' | 'publicDns' | 'publicIp'>;

export interface DiscoveryOptions {
  /** Give up waiting for status checks / console output after this long. @default 600_000 */
  readonly timeoutMs?: number;
  /** Poll interval for the console output. @default 10_000 */
  readonly pollMs?: number;
  /** Trust on first use instead of pinning (explicit `--accept-new-host-keys`). @default false */
  readonly acceptNewHostKeys?: boolean;
  readonly onProgress?: (message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ctrl-C: stop waiting (the caller has already said why). */
  readonly signal?: AbortSignal;
}

/** Thrown when a wait of discovery ends because of Ctrl-C. */
function stopped(signal: AbortSignal): OperationalError {
  return new OperationalError('discovery stopped (Ctrl-C)', {
    exitCode: EXIT.interrupted,
    cause: signal.reason,
  });
}

/** Waits for the EC2 status checks of every instance (the SDK waiter). */
export async function waitForInstances(
  ec2: EC2Client,
  hosts: readonly StackHost[],
  opts: DiscoveryOptions = {},
): Promise<void> {
  const ids = hosts.map((h) => h.instanceId);
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  opts.onProgress?.(
    `waiting for EC2 status checks of ${ids.length} instance(s) (${ids.join(', ')}) ${until(deadline)}`,
  );
  const result = await waitUntilInstanceStatusOk(
    {
      client: ec2,
      maxWaitTime: Math.ceil((opts.timeoutMs ?? 600_000) / 1000),
      minDelay: 5,
      ...(opts.signal ? { abortSignal: opts.signal } : {}),
    },
    { InstanceIds: ids },
  ).catch((e: Error) => {
    throw new OperationalError(
      `instances ${ids.join(', ')} did not pass EC2 status checks: ${messageInWords(e)}`,
      { cause: e },
    );
  });
  if (result.state !== 'SUCCESS') {
    throw new OperationalError(
      `instances ${ids.join(', ')} did not pass EC2 status checks (${result.state})`,
    );
  }
}

/** What discovery pins for a host: the console's fingerprint and, when printed, the key. */
export interface HostKeyPin {
  readonly fingerprint: string;
  /** known_hosts key field ("ssh-ed25519 AAAA…"), checked against the fingerprint. */
  readonly publicKey?: string;
}

/** Polls GetConsoleOutput until cloud-init has printed the host-key fingerprints. */
export async function readHostKeyPin(
  ec2: EC2Client,
  host: StackHost,
  opts: DiscoveryOptions = {},
): Promise<HostKeyPin> {
  const sleep = opts.sleep ?? ((ms: number) => sleepUnless(ms, opts.signal));
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const who = `${host.host} (${host.instanceId})`;
  // One line per change of what the console shows, not one per poll.
  let said: string | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw stopped(opts.signal);
    const out = await ec2
      .send(new GetConsoleOutputCommand({ InstanceId: host.instanceId, Latest: true }))
      .catch((e: unknown) => {
        throw new OperationalError(`${who}: cannot read the console output: ${messageInWords(e)}`, {
          cause: e,
        });
      });
    const text = out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
    const keys = parseConsoleHostKeys(text);
    if (keys && keys.mismatched.length > 0) {
      throw new OperationalError(
        `${who}: the console's ${keys.mismatched.join(', ')} host key does not match ` +
          'the fingerprint printed above it; refusing to pin (check the instance, or recreate it)',
      );
    }
    const pin = keys && preferredPin(keys);
    if (pin) {
      if (said)
        opts.onProgress?.(`${host.host}: host-key fingerprints found in the console output`);
      return pin;
    }
    if (Date.now() >= deadline) {
      throw new OperationalError(
        `${who}: cloud-init has not printed SSH host-key fingerprints to the console yet; ` +
          'wait and run again, or pass --accept-new-host-keys to trust the first key seen',
      );
    }
    const state =
      text.trim() === ''
        ? 'no console output yet'
        : 'console output has no host-key fingerprints yet';
    if (state !== said) {
      opts.onProgress?.(
        `${host.host}: ${state}; waiting for cloud-init to print them ${until(deadline)}` +
          (said === undefined
            ? ` (an image that never prints them: \`${streamlab('up --accept-new-host-keys')}\` trusts the first key seen instead)`
            : ''),
      );
      said = state;
    }
    await sleep(opts.pollMs ?? 10_000);
  }
}

/** "until 03:42:10 UTC, 10 min from now": the deadline a wait gives up at. */
function until(deadline: number): string {
  const at = new Date(deadline).toISOString().slice(11, 19);
  const min = Math.round((deadline - Date.now()) / 60_000);
  return `until ${at} UTC (${min >= 1 ? `${min} min` : 'under a minute'} from now)`;
}

/** Fills in public addresses the outputs may lack (e.g. after a stop/start). */
export async function refreshAddresses(
  ec2: EC2Client,
  hosts: readonly StackHost[],
): Promise<StackHost[]> {
  const res = await ec2.send(
    new DescribeInstancesCommand({ InstanceIds: hosts.map((h) => h.instanceId) }),
  );
  const byId = new Map(
    (res.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => [i.InstanceId, i] as const),
  );
  return hosts.map((h) => {
    const i = byId.get(h.instanceId);
    if (!i)
      throw new OperationalError(
        `${h.host}: instance ${h.instanceId} no longer exists (run \`streamlab up\`)`,
      );
    const state = i.State?.Name;
    if (state !== 'running')
      throw new OperationalError(`${h.host}: instance ${h.instanceId} is ${state}, not running`);
    return {
      ...h,
      publicDns: i.PublicDnsName || h.publicDns,
      publicIp: i.PublicIpAddress || h.publicIp,
    };
  });
}

/**
 * How to reach each host (the connection half of its inventory entry): address, key path,
 * the pinned fingerprint and public key, or "" with acceptNewHostKeys (the caller then
 * learns it on first connect). The stack half (stream, region, instance id) is the
 * outputs' own: lab-inventory.ts joins the two.
 */
export async function discoverInventory(
  ec2: EC2Client,
  hosts: readonly StackHost[],
  keyPathOf: (host: string) => string,
  opts: DiscoveryOptions = {},
): Promise<InventoryHost[]> {
  await waitForInstances(ec2, hosts, opts);
  const live = await refreshAddresses(ec2, hosts);
  return Promise.all(
    live.map(async (h) => {
      const address = h.publicDns || h.publicIp;
      if (!address)
        throw new OperationalError(`${h.host}: instance ${h.instanceId} has no public address`);
      // "" = not pinned yet: the schema refuses it, so nothing saves such an entry.
      const pin: HostKeyPin = opts.acceptNewHostKeys
        ? { fingerprint: '' }
        : await readHostKeyPin(ec2, h, opts);
      return {
        name: h.host,
        address,
        port: 22,
        user: 'ubuntu',
        privateKeyPath: keyPathOf(h.host),
        hostKeyFingerprint: pin.fingerprint,
        ...(pin.publicKey ? { hostPublicKey: pin.publicKey } : {}),
      };
    }),
  );
}
