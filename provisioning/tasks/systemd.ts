/**
 * systemd units: the unit file (daemon-reload when it changes), enabled and running
 * state, and a restart meant to be used as a handler.
 */
import { UNIT_NAME } from '../../config/host-tasks';
import { defineFact, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, type Task } from '../engine/task';
import { stateDiff } from './state-diff';
import { file } from './files';

export interface UnitState {
  /** `systemctl is-enabled`: enabled, disabled, static, not-found… */
  readonly enabled: string;
  /** `systemctl is-active`: active, inactive, failed, activating… */
  readonly active: string;
}

function checkName(name: string): void {
  if (!UNIT_NAME.test(name))
    throw new Error(`systemd: "${name}" is not a unit name such as "app.service"`);
}

export const unitStateFact = (name: string): Fact<UnitState> =>
  defineFact(
    `systemd:${name}`,
    // One systemctl process instead of is-enabled + is-active: facts run on every host each run.
    sh`systemctl show --property=UnitFileState,ActiveState ${name}`,
    (out) => {
      const props = new Map(
        out
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
      );
      return {
        enabled: props.get('UnitFileState') || 'not-found',
        active: props.get('ActiveState') || 'unknown',
      };
    },
  );

export interface UnitArgs {
  readonly name: string;
  readonly content: string;
  readonly notify?: readonly string[];
}

/** /etc/systemd/system/NAME with this content; daemon-reload runs right after a change. */
export function unit(args: UnitArgs): Task {
  checkName(args.name);
  return file({
    name: `systemd unit ${args.name}`,
    path: `/etc/systemd/system/${args.name}`,
    content: args.content,
    mode: '0644',
    onChange: ['systemctl daemon-reload'],
    ...(args.notify ? { notify: args.notify } : {}),
  });
}

export interface ServiceArgs {
  readonly name: string;
  readonly enabled?: boolean;
  readonly running?: boolean;
  /** Restart on every run (Ansible's state: restarted): meant for handlers. */
  readonly restarted?: boolean;
}

// States in which a start would be redundant: the unit is up or on its way up.
const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);

export function service(args: ServiceArgs): Task {
  checkName(args.name);
  const fact = unitStateFact(args.name);
  return {
    name: `systemd service ${args.name}`,
    facts: [fact],
    plan(facts, ctx) {
      const have = facts.get(fact);
      const cmds: string[] = [];
      const why: string[] = [];
      if (args.enabled === true && have.enabled !== 'enabled') {
        cmds.push(sh`systemctl enable ${args.name}`);
        why.push(`enable (was ${have.enabled})`);
      } else if (args.enabled === false && have.enabled === 'enabled') {
        cmds.push(sh`systemctl disable ${args.name}`);
        why.push('disable');
      }
      if (args.running === true && !RUNNING_STATES.has(have.active)) {
        cmds.push(sh`systemctl start ${args.name}`);
        why.push(`start (was ${have.active})`);
      } else if (args.running === false && have.active !== 'inactive' && have.active !== 'failed') {
        cmds.push(sh`systemctl stop ${args.name}`);
        why.push('stop');
      }
      if (args.restarted) {
        // A start planned above would be redundant: restart starts a stopped unit too.
        const start = cmds.indexOf(sh`systemctl start ${args.name}`);
        if (start >= 0) cmds.splice(start, 1);
        cmds.push(sh`systemctl restart ${args.name}`);
        why.push('restart');
      }
      if (cmds.length === 0) return ok(`${have.enabled}, ${have.active}`);
      const after = {
        enabled: args.enabled === undefined ? have.enabled : args.enabled ? 'enabled' : 'disabled',
        active:
          args.running === true || args.restarted
            ? 'active'
            : args.running === false
              ? 'inactive'
              : have.active,
      };
      return change(
        why.join(', '),
        cmds,
        stateDiff(ctx.diff, `service ${args.name}`, { ...have }, after),
      );
    },
  };
}

/** Restarts a unit; declared as a handler so it runs once, only when notified. */
export function restart(name: string): Task {
  checkName(name);
  return {
    name: `restart ${name}`,
    facts: [],
    plan: () => change('notified', [sh`systemctl restart ${name}`]),
  };
}
