/**
 * Runs playbooks: per host connect → gather facts → plan/apply each task in order →
 * run notified handlers once; hosts in parallel with a bound. Notifications are
 * recorded on the host before the notifying change runs, so a run that fails or loses
 * its connection leaves them pending and the next run still restarts.
 */
import { mapWithLimit } from './bounded';
import {
  connect,
  ConnectError,
  type Connection,
  type ConnectOptions,
  type HostSpec,
} from './connection';
import { defineFact, gatherFacts, readLines, type Fact, type Facts } from './facts';
import { quote } from './quote';
import { count, emptyRecap, type HostRecap, type Recap, type TaskStatus } from './recap';
import type { FileDiff, Playbook, RemoteCommand, Task } from './task';

export const PENDING_HANDLERS_FILE = '/var/lib/streamlab/pending-handlers';

export const pendingHandlersFact: Fact<string[]> = defineFact(
  'streamlab:pending-handlers',
  readLines(quote(PENDING_HANDLERS_FILE)),
  (out) => out.split('\n').filter((l) => l.trim() !== ''),
);

export interface TaskEvent {
  readonly host: string;
  readonly task: string;
  readonly status: TaskStatus;
  readonly reason: string;
  readonly ms: number;
  readonly handler?: boolean;
  readonly diff?: readonly FileDiff[];
}

export interface RunOptions {
  /** Plan only: report what would change, execute nothing, write nothing. */
  readonly check?: boolean;
  /** Show before/after of files (secret files masked). */
  readonly diff?: boolean;
  /** Hosts at once. @default 10 */
  readonly forks?: number;
  readonly connect?: ConnectOptions;
  readonly onEvent?: (event: TaskEvent) => void;
  /**
   * Ctrl-C: no host starts another task and every SSH session ends at once (a remote
   * command must not keep the CLI waiting); the task cut short and the rest are recorded
   * as failed with the reason. Tasks converge, so the next run does them again.
   */
  readonly signal?: AbortSignal;
  /** Called with each open connection (tests use it to inject faults). */
  readonly onConnected?: (conn: Connection) => void;
}

export interface Target {
  readonly host: HostSpec;
  readonly playbook: Playbook;
}

export interface RunResult {
  readonly recap: Recap;
  readonly durationMs: number;
}

class TaskFailure extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

const INTERRUPTED = 'not run: interrupted (Ctrl-C)';
const CUT_SHORT = 'cut short: interrupted (Ctrl-C) while it ran, it may be half-done';

const tail = (s: string, lines = 15) => s.trim().split('\n').slice(-lines).join('\n');

/** Joins stdin-free commands into one script per exec; commands with stdin go alone. */
export function batchCommands(commands: readonly RemoteCommand[]): RemoteCommand[] {
  const out: RemoteCommand[] = [];
  let pending: RemoteCommand[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const timeoutMs = pending.reduce((s, c) => s + (c.timeoutMs ?? 900_000), 0);
    out.push({ run: ['set -e', ...pending.map((c) => c.run)].join('\n'), timeoutMs });
    pending = [];
  };
  for (const c of commands) {
    if (c.stdin !== undefined) {
      flush();
      out.push({ ...c, run: `set -e\n${c.run}` });
    } else pending.push(c);
  }
  flush();
  return out;
}

async function execAll(conn: Connection, commands: readonly RemoteCommand[]): Promise<void> {
  for (const c of batchCommands(commands)) {
    let result;
    try {
      result = await conn.exec(c.run, {
        ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
        timeoutMs: c.timeoutMs ?? 900_000,
      });
    } catch (e) {
      throw new TaskFailure((e as Error).message, conn.closed);
    }
    if (result.code !== 0) {
      const detail = tail(result.stderr) || tail(result.stdout) || '(no output)';
      throw new TaskFailure(`exit status ${result.code}: ${detail}`, false);
    }
  }
}

function notifyCommand(names: readonly string[]): RemoteCommand {
  return {
    run: `mkdir -p /var/lib/streamlab && printf '%s\\n' ${names.map((n) => quote(n)).join(' ')} >> ${PENDING_HANDLERS_FILE}`,
  };
}

function pendingWriteCommand(names: readonly string[]): RemoteCommand {
  if (names.length === 0) return { run: `rm -f ${PENDING_HANDLERS_FILE}` };
  return {
    run: `printf '%s\\n' ${names.map((n) => quote(n)).join(' ')} > ${PENDING_HANDLERS_FILE}.tmp && mv -f ${PENDING_HANDLERS_FILE}.tmp ${PENDING_HANDLERS_FILE}`,
  };
}

function factsFor(tasks: readonly Task[], diff: boolean): Fact<unknown>[] {
  return tasks.flatMap((t) => [...t.facts, ...(diff ? (t.diffFacts ?? []) : [])]);
}

/** Runs one playbook on one host; never throws (failures land in the recap). */
export async function runHost(target: Target, opts: RunOptions = {}): Promise<HostRecap> {
  const { host, playbook } = target;
  const recap = emptyRecap();
  const emit = (
    task: string,
    status: TaskStatus,
    reason: string,
    ms: number,
    extra: Partial<TaskEvent> = {},
  ) => {
    count(recap, status);
    opts.onEvent?.({ host: host.name, task, status, reason, ms, ...extra });
  };
  /**
   * A task or handler that threw: cut short when Ctrl-C ended its session, unreachable when
   * the connection went, else failed.
   */
  const emitFailure = (task: string, e: unknown, ms: number, extra: Partial<TaskEvent> = {}) => {
    const message = (e as Error).message;
    if (opts.signal?.aborted && message !== INTERRUPTED)
      return emit(task, 'failed', CUT_SHORT, ms, extra);
    emit(
      task,
      e instanceof TaskFailure && e.unreachable ? 'unreachable' : 'failed',
      message,
      ms,
      extra,
    );
  };
  const ctx = { diff: opts.diff ?? false };
  const handlers = playbook.handlers ?? [];
  const handlerTasks = handlers.map((h) => h.task);

  let conn: Connection;
  let t0 = Date.now();
  if (opts.signal?.aborted) {
    emit('connect', 'failed', INTERRUPTED, 0);
    return recap;
  }
  try {
    conn = await connect(host, {
      ...opts.connect,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if (e instanceof ConnectError && e.failure === 'interrupted') {
      emit('connect', 'failed', INTERRUPTED, Date.now() - t0);
      return recap;
    }
    const unreachable = !(e instanceof ConnectError) || e.failure !== 'key-file';
    emit('connect', unreachable ? 'unreachable' : 'failed', (e as Error).message, Date.now() - t0);
    return recap;
  }
  opts.onConnected?.(conn);
  // At once, not a polite close: a host that stopped answering must not hold up the exit.
  const endSession = () => conn.destroy();
  opts.signal?.addEventListener('abort', endSession, { once: true });

  try {
    t0 = Date.now();
    let facts: Facts;
    try {
      facts = await gatherFacts(conn, [
        pendingHandlersFact,
        ...factsFor(playbook.tasks, ctx.diff),
        ...factsFor(handlerTasks, ctx.diff),
      ]);
    } catch (e) {
      if (opts.signal?.aborted) emit('gather facts', 'failed', CUT_SHORT, Date.now() - t0);
      else
        emit(
          'gather facts',
          conn.closed ? 'unreachable' : 'failed',
          (e as Error).message,
          Date.now() - t0,
        );
      return recap;
    }
    emit('gather facts', 'ok', 'one round trip', Date.now() - t0);

    const pending = new Set(facts.get(pendingHandlersFact));
    let stale = false;
    for (let i = 0; i < playbook.tasks.length; i++) {
      const task = playbook.tasks[i]!;
      t0 = Date.now();
      try {
        if (opts.signal?.aborted) throw new TaskFailure(INTERRUPTED, false);
        if (stale) {
          // Re-read what the remaining tasks and handlers look at, after a change.
          facts = await gatherFacts(conn, [
            ...factsFor(playbook.tasks.slice(i), ctx.diff),
            ...factsFor(handlerTasks, ctx.diff),
          ]).catch((e: Error) => {
            throw new TaskFailure(`re-reading facts: ${e.message}`, conn.closed);
          });
          stale = false;
        }
        const plan = task.plan(facts, ctx);
        if (plan.kind !== 'change') {
          emit(task.name, plan.kind === 'ok' ? 'ok' : 'skipped', plan.reason, Date.now() - t0);
          continue;
        }
        const notify = (task.notify ?? []).filter((n) => !pending.has(n));
        if (!opts.check) {
          await execAll(conn, [
            ...(notify.length ? [notifyCommand(notify)] : []),
            ...plan.commands,
          ]);
          stale = true;
        }
        for (const n of task.notify ?? []) pending.add(n);
        emit(
          task.name,
          'changed',
          plan.reason,
          Date.now() - t0,
          plan.diff ? { diff: plan.diff } : {},
        );
      } catch (e) {
        emitFailure(task.name, e, Date.now() - t0);
        return recap;
      }
    }

    for (const handler of handlers) {
      if (!pending.has(handler.name)) continue;
      t0 = Date.now();
      try {
        if (stale) {
          facts = await gatherFacts(conn, factsFor(handlerTasks, ctx.diff));
          stale = false;
        }
        const plan = handler.task.plan(facts, ctx);
        pending.delete(handler.name);
        if (plan.kind !== 'change') {
          if (!opts.check) await execAll(conn, [pendingWriteCommand([...pending])]);
          emit(handler.name, plan.kind === 'ok' ? 'ok' : 'skipped', plan.reason, Date.now() - t0, {
            handler: true,
          });
          continue;
        }
        if (!opts.check) {
          await execAll(conn, [...plan.commands, pendingWriteCommand([...pending])]);
          stale = true;
        }
        emit(handler.name, 'changed', plan.reason, Date.now() - t0, { handler: true });
      } catch (e) {
        emitFailure(handler.name, e, Date.now() - t0, { handler: true });
        return recap;
      }
    }
    return recap;
  } finally {
    opts.signal?.removeEventListener('abort', endSession);
    conn.close();
  }
}

/** Runs every target, at most `forks` at once; one host failing does not stop the others. */
export async function runTargets(
  targets: readonly Target[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const start = Date.now();
  const recap: Recap = {};
  for (const t of targets) recap[t.host.name] = emptyRecap();
  await mapWithLimit(targets, opts.forks ?? 10, async (t) => {
    recap[t.host.name] = await runHost(t, opts);
  });
  return { recap, durationMs: Date.now() - start };
}
