/**
 * Accounts: users and groups, and the unprivileged system users services run as (no login
 * shell, no home). Names are checked by the config's one rule; every value reaches
 * useradd/usermod as one quoted word.
 */
import { ACCOUNT_NAME } from '../../config/host-tasks';
import { defineFact, type Fact } from '../engine/facts';
import { sh } from '../engine/quote';
import { change, ok, type Task } from '../engine/task';
import { stateDiff, type State } from './state-diff';

export interface PasswdEntry {
  readonly exists: boolean;
  readonly uid?: number;
  readonly comment?: string;
  readonly home?: string;
  readonly shell?: string;
  /** Every group the user is in (`id -Gn`), the primary one included. */
  readonly groups?: readonly string[];
}

export const passwdFact = (name: string): Fact<PasswdEntry> =>
  defineFact(`passwd:${name}`, sh`getent passwd ${name} && id -Gn ${name}`, (out, code) => {
    if (code !== 0) return { exists: false };
    const [entry = '', groups = ''] = out.split('\n');
    const fields = entry.split(':');
    return {
      exists: true,
      uid: Number(fields[2]),
      comment: fields[4] ?? '',
      home: fields[5] ?? '',
      shell: fields[6] ?? '',
      groups: groups.split(' ').filter(Boolean),
    };
  });

export const groupFact = (name: string): Fact<boolean> =>
  defineFact(`group:${name}`, sh`getent group ${name}`, (_out, code) => code === 0);

function checkName(op: string, name: string): void {
  if (!ACCOUNT_NAME.test(name)) throw new Error(`${op}: "${name}" is not a valid user name`);
}

export interface SystemUserArgs {
  readonly name: string;
  /** @default "/nonexistent" */
  readonly home?: string;
  /** @default "/usr/sbin/nologin" */
  readonly shell?: string;
}

export function systemUser(args: SystemUserArgs): Task {
  checkName('users.systemUser', args.name);
  const fact = passwdFact(args.name);
  const shell = args.shell ?? '/usr/sbin/nologin';
  return {
    name: `system user ${args.name}`,
    facts: [fact],
    plan(facts) {
      const have = facts.get(fact);
      if (!have.exists) {
        return change('create', [
          sh`useradd --system --user-group --no-create-home --home-dir ${args.home ?? '/nonexistent'} --shell ${shell} ${args.name}`,
        ]);
      }
      if (have.shell !== shell)
        return change(`shell ${have.shell} → ${shell}`, [
          sh`usermod --shell ${shell} ${args.name}`,
        ]);
      return ok(`exists (uid ${have.uid})`);
    },
  };
}

export interface UserArgs {
  readonly name: string;
  /** @default "present" */
  readonly state?: 'present' | 'absent';
  /** A system account: uid below 1000, no home made. @default false */
  readonly system?: boolean;
  readonly shell?: string;
  readonly home?: string;
  /** Supplementary groups the user must be in (others are left alone). */
  readonly groups?: readonly string[];
  readonly comment?: string;
}

/** The fields of an account a user task sets, for --diff. */
function accountState(a: Pick<UserArgs, 'shell' | 'home' | 'comment' | 'groups'>): State {
  return {
    ...(a.shell !== undefined ? { shell: a.shell } : {}),
    ...(a.home !== undefined ? { home: a.home } : {}),
    ...(a.comment !== undefined ? { comment: a.comment } : {}),
    ...(a.groups !== undefined ? { groups: a.groups.join(' ') } : {}),
  };
}

/** A user account; a present one gets what differs of shell, home, comment and groups. */
export function user(args: UserArgs): Task {
  checkName('users.user', args.name);
  for (const g of args.groups ?? []) checkName('users.user groups', g);
  const fact = passwdFact(args.name);
  const options = (have: PasswdEntry | undefined) => {
    const words: string[] = [];
    const why: string[] = [];
    if (args.shell !== undefined && have?.shell !== args.shell) {
      words.push('--shell', args.shell);
      why.push(`shell ${have?.shell ?? ''} → ${args.shell}`);
    }
    if (args.home !== undefined && have?.home !== args.home) {
      words.push('--home', args.home);
      why.push(`home ${have?.home ?? ''} → ${args.home}`);
    }
    if (args.comment !== undefined && have?.comment !== args.comment) {
      words.push('--comment', args.comment);
      why.push('comment');
    }
    const missing = (args.groups ?? []).filter((g) => !have?.groups?.includes(g));
    if (missing.length) {
      words.push(have ? '--append' : '', '--groups', missing.join(','));
      why.push(`groups +${missing.join(',')}`);
    }
    return { words: words.filter(Boolean), why };
  };
  return {
    name: `user ${args.name}`,
    facts: [fact],
    plan(facts, ctx) {
      const have = facts.get(fact);
      const what = `user ${args.name}`;
      const before = have.exists ? accountState(have) : undefined;
      if (args.state === 'absent') {
        if (!have.exists) return ok('absent');
        return change(
          'remove',
          [sh`userdel ${args.name}`],
          stateDiff(ctx.diff, what, before, undefined),
        );
      }
      const after = accountState({
        ...(before ? have : {}),
        ...args,
        // Groups are only ever added: the user keeps the ones it is in.
        groups: [...new Set([...(have.groups ?? []), ...(args.groups ?? [])])],
      });
      if (!have.exists) {
        const { words } = options(undefined);
        const kind = args.system ? ['--system'] : ['--create-home'];
        return change(
          'create',
          [sh`useradd ${kind} ${words} -- ${args.name}`],
          stateDiff(ctx.diff, what, undefined, after),
        );
      }
      const { words, why } = options(have);
      if (words.length === 0) return ok(`exists (uid ${have.uid})`);
      return change(
        why.join(', '),
        [sh`usermod ${words} -- ${args.name}`],
        stateDiff(ctx.diff, what, before, after),
      );
    },
  };
}

export interface GroupArgs {
  readonly name: string;
  /** @default "present" */
  readonly state?: 'present' | 'absent';
  /** @default false */
  readonly system?: boolean;
}

export function group(args: GroupArgs): Task {
  checkName('users.group', args.name);
  const fact = groupFact(args.name);
  return {
    name: `group ${args.name}`,
    facts: [fact],
    plan(facts, ctx) {
      const exists = facts.get(fact);
      const what = `group ${args.name}`;
      const present = { group: args.name };
      if (args.state === 'absent')
        return exists
          ? change(
              'remove',
              [sh`groupdel ${args.name}`],
              stateDiff(ctx.diff, what, present, undefined),
            )
          : ok('absent');
      if (exists) return ok('exists');
      return change(
        'create',
        [sh`groupadd ${args.system ? ['--system'] : []} -- ${args.name}`],
        stateDiff(ctx.diff, what, undefined, present),
      );
    },
  };
}
