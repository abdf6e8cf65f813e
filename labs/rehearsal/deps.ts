/**
 * The lab's own steps (labs/aws: plan, up, down) with what a rehearsal changes and
 * nothing else: after synth, the override file the emulator needs (./stack-overrides.ts)
 * with the provider the mirror holds; during `up`, streamlab's own EC2 calls go through
 * the host stand-in, which answers for each instance with its test host.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsClientConfig } from '../aws-sdk/clients';
import type { StackDeps } from '../aws/stack';
import type { UpDeps } from '../aws/up';
import type { HostDetails } from '../../testhost/api';
import type { Reporter } from '../progress';
import { startHostStandIn, type HostStandIn } from './host-stand-in';
import { chooseProvider, mirroredVersions } from './provider-mirror';
import type { Rehearsal } from './session';
import { rehearsalOverrides, writeStackOverrides } from './stack-overrides';

/** The hashicorp/aws version the synthesized stack pins. */
export function providerPin(stackDir: string): string {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { required_providers?: { aws?: { version?: string } } };
  };
  const pin = stack.terraform?.required_providers?.aws?.version;
  if (!pin) throw new Error(`${stackDir}/cdk.tf.json pins no hashicorp/aws version`);
  return pin;
}

/**
 * Writes beside the synthesized stack in stackDir the overrides the emulator at `endpoint`
 * needs (./stack-overrides.ts), with the provider a mirror holds; says on `r` what stands
 * in for what. Every rehearsed stack goes through here: the lab's, and the tests' stacks
 * of a few constructs.
 */
export function writeRehearsalOverrides(stackDir: string, endpoint: string, r: Reporter): void {
  const pin = providerPin(stackDir);
  const provider = chooseProvider(pin);
  if (!provider.pinned) {
    const all = mirroredVersions().map((v) => v.version);
    r.line(
      'rehearsal',
      `the stack pins hashicorp/aws ${pin}; the mirrors hold ${all.join(', ')}: ${provider.version} stands in`,
    );
  }
  const reasons = writeStackOverrides(
    stackDir,
    rehearsalOverrides(provider.version, pin, endpoint),
  );
  for (const reason of reasons) r.line('rehearsal', `stack override: ${reason}`);
}

/** `deps` whose synth also writes the rehearsal's overrides beside the stack. */
export function rehearsalStackDeps<D extends StackDeps>(
  deps: D,
  rehearsal: Rehearsal,
  r: Reporter,
): D {
  return {
    ...deps,
    synth: (config) => {
      const stack = deps.synth(config);
      writeRehearsalOverrides(stack.stackDir, rehearsal.endpoint, r);
      return stack;
    },
  };
}

export interface RehearsedUp {
  readonly deps: UpDeps;
  close(): Promise<void>;
}

/**
 * UpDeps for a rehearsal: the stack's overrides, and an EC2 client that reaches moto
 * through the stand-in proxy, which learns from `up`'s outputs which test host stands in
 * for which instance.
 */
export async function rehearsalUpDeps(
  deps: UpDeps,
  rehearsal: Rehearsal,
  standIns: ReadonlyMap<string, HostDetails>,
  r: Reporter,
): Promise<RehearsedUp> {
  const byInstance = new Map<string, HostStandIn>();
  const proxy = await startHostStandIn(rehearsal.endpoint, (id) => byInstance.get(id));
  return {
    deps: {
      ...rehearsalStackDeps(deps, rehearsal, r),
      ec2: (region, outputs) => {
        for (const h of outputs?.hosts ?? []) {
          const host = standIns.get(h.host);
          if (host)
            byInstance.set(h.instanceId, {
              address: host.address,
              fingerprint: host.hostKeyFingerprint,
            });
        }
        return new EC2Client(awsClientConfig('EC2', region, proxy.endpoint));
      },
    },
    close: () => proxy.close(),
  };
}
