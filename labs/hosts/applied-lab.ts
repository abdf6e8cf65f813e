/**
 * What `up` applied, saved right after the apply and before discovery: the instances, their
 * addresses and streams, each marked "not yet provisioned" until the inventory is written.
 * When discovery or provisioning did not finish (an error, Ctrl-C), `status`, `tail`, `ssh`
 * and `logs` then describe a lab that is applied (and billing) instead of saying it is not
 * up. `down` removes it with the inventory.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Recap } from '../../provisioning/engine/recap';
import type { LabOutputs } from '../../stacks/outputs';
import { writePrivateFileAtomic } from '../local-state/private-file';

export interface AppliedHost {
  readonly host: string;
  readonly instanceId: string;
  readonly address: string;
  readonly stream: string;
  /**
   * False until a run of the lab's playbook finished on the host without a failure (`up`,
   * or `provision` of the lab's own inventory): discovery or provisioning stopped before.
   */
  readonly provisioned: boolean;
}

export interface AppliedLab {
  readonly appliedAt: string;
  readonly region: string;
  readonly hosts: readonly AppliedHost[];
}

export function writeAppliedLab(file: string, outputs: LabOutputs, now = new Date()): AppliedLab {
  const lab: AppliedLab = {
    appliedAt: now.toISOString(),
    region: outputs.region,
    hosts: outputs.hosts.map((h) => ({
      host: h.host,
      instanceId: h.instanceId,
      address: h.publicDns || h.publicIp,
      stream: h.streamName,
      provisioned: false,
    })),
  };
  writePrivateFileAtomic(file, `${JSON.stringify(lab, null, 2)}\n`);
  return lab;
}

/** Marks the hosts a run finished on without a failure provisioned; the rest stay as they are. */
export function markProvisioned(file: string, recap: Recap): void {
  const lab = readAppliedLab(file);
  if (!lab) return;
  const finished = (host: string) => {
    const r = recap[host];
    return r !== undefined && r.failed === 0 && r.unreachable === 0;
  };
  const done = {
    ...lab,
    hosts: lab.hosts.map((h) => (finished(h.host) ? { ...h, provisioned: true } : h)),
  };
  writePrivateFileAtomic(file, `${JSON.stringify(done, null, 2)}\n`);
}

/** The hosts of the record no playbook run has finished on yet (none without a record). */
export function unprovisionedHosts(file: string): string[] {
  return (readAppliedLab(file)?.hosts ?? []).filter((h) => !h.provisioned).map((h) => h.host);
}

/** The record, or undefined when there is none or it cannot be read (it is only a hint). */
export function readAppliedLab(file: string): AppliedLab | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const lab = JSON.parse(readFileSync(file, 'utf8')) as AppliedLab;
    return Array.isArray(lab.hosts) ? lab : undefined;
  } catch {
    return undefined;
  }
}

export function removeAppliedLab(file: string): boolean {
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

/**
 * What a command that needs the inventory says when there is none but the lab is applied:
 * each host with its instance and "not yet provisioned", and how to go on.
 */
export function describeUnprovisioned(labName: string, lab: AppliedLab): string {
  const hosts = lab.hosts
    .map(
      (h) =>
        `  ${h.host}: ${h.instanceId} at ${h.address || '(no address yet)'}, stream ${h.stream}: not yet provisioned`,
    )
    .join('\n');
  return (
    `${labName} is applied in ${lab.region} (since ${lab.appliedAt}, it costs money while up) but ` +
    `its hosts were never discovered and provisioned: \`up\` stopped before (an error or Ctrl-C).\n${hosts}`
  );
}
