/**
 * The programmatic entry point: `provision({ hosts, config, vars, run, limit, tags })` runs
 * each host's play: the roles the config's `hosts.roles` names, in its order (the lab's
 * producer host, the operator's own tasks). The CLI feeds it an inventory file;
 * orchestration feeds it hosts from Terraform outputs and the EC2 API.
 */
import type { LabConfig } from '../config';
import { InputError } from '../config/errors';
import { runTargets, type RunOptions, type RunResult, type Target } from './engine/runner';
import type { Playbook } from './engine/task';
import { hostSpecOf, recordField, type InventoryHost } from './inventory';
import { ownTasksRole } from './playbooks/own-tasks';
import { studentKeyRole } from './playbooks/student-key';
import { playOf, roleOf, type Role, type TagSelection } from './playbooks/roles';
import {
  producerHostPlaybook,
  producerHostVars,
  type ProducerHostVars,
  type VarOverrides,
} from './playbooks/producer-host';

export interface ProvisionOptions extends TagSelection {
  readonly hosts: readonly InventoryHost[];
  /** The lab config: the vars' defaults (region, producer settings). */
  readonly config: LabConfig;
  /** Explicit vars, over the config's and each host record's (see producerHostVars). */
  readonly vars?: VarOverrides;
  /** How the engine runs: check and diff modes, parallel hosts, connection, events. */
  readonly run?: RunOptions;
  /** Only these host names (each must be in hosts). */
  readonly limit?: readonly string[];
  /** Replaces the producer-host playbook as the lab's role (tests and benchmarks). */
  readonly playbook?: (vars: ProducerHostVars, host: InventoryHost) => Playbook;
}

export function selectHosts(
  hosts: readonly InventoryHost[],
  limit?: readonly string[],
): InventoryHost[] {
  if (!limit || limit.length === 0) return [...hosts];
  const names = new Set(hosts.map((h) => h.name));
  const unknown = limit.filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new InputError(
      `--limit: no host named ${unknown.map((n) => JSON.stringify(n)).join(', ')} in the inventory (hosts: ${[...names].join(', ')})`,
    );
  }
  return hosts.filter((h) => limit.includes(h.name));
}

/** The X source's one secret: from the environment only, never a file or an argument. */
export function xBearerTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.STREAMLAB_X_BEARER_TOKEN || undefined;
}

/**
 * Refuses the X source without its secret, before anything runs (`up` checks before
 * terraform, `provision` before the first host). Only the lab's role runs the producer.
 */
export function requireSourceSecret(config: LabConfig, xBearerToken: string | undefined): void {
  if (config.hosts.roles.includes('lab') && config.producer.source === 'x' && !xBearerToken)
    throw new InputError(
      'producer.source is "x" but STREAMLAB_X_BEARER_TOKEN is not set (nothing was changed)',
    );
}

export async function provision(opts: ProvisionOptions): Promise<RunResult> {
  requireSourceSecret(opts.config, opts.vars?.xBearerToken);
  const withLab = opts.config.hosts.roles.includes('lab');
  const hosts = selectHosts(opts.hosts, opts.limit);
  // The producer's stream is the record's: a hand-written entry without one is refused
  // before any host is touched (hosts that only get the operator's tasks need none).
  const streams = hosts.map((h) => (withLab ? recordField(h, 'stream') : h.stream));
  const targets: Target[] = hosts.map((h, i) => {
    const roles = opts.config.hosts.roles.map((name): Role => {
      if (name === 'tasks') return ownTasksRole(opts.config, h);
      const vars = producerHostVars(opts.config, { ...h, stream: streams[i]! }, opts.vars);
      return roleOf('lab', (opts.playbook ?? producerHostPlaybook)(vars, h));
    });
    // Whatever the roles: the student's own key is part of reaching their host.
    roles.unshift(studentKeyRole(opts.config, h));
    return { host: hostSpecOf(h), playbook: playOf(roles, opts) };
  });
  return runTargets(targets, opts.run);
}
