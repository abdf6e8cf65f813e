/**
 * The class's end as the lab knows it: `up` records the end it applied (so `hours` counts
 * from the first `up`, not from every later one), `extend` records the moved end after its
 * apply, and status/handout/up read it back to say when the class ends and to warn
 * before it does. The record lives beside the inventory (.streamlab/<lab>/class-end.json).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { classEndOf, classEndSetting, hasClassEnd } from '../../config/class';
import { InputError } from '../../config/errors';
import type { LabConfig } from '../../config/schema';
import { CLASS_ENDS_AT_OUTPUT } from '../../stacks/outputs';
import { budgetComparison, type BudgetComparison } from '../../stacks/pricing';
import { labStateDir } from '../local-state/paths';
import { writePrivateFileAtomic } from '../local-state/private-file';

/** The operator is warned when the end is closer than this. */
export const END_WARNING_MS = 30 * 60_000;

export interface ClassEndRecord {
  /** The config setting the end was derived from (config/class.ts classEndSetting). */
  readonly setting: string;
  /** ISO, UTC. */
  readonly endsAt: string;
  /** When the first `up` applied the end (ISO): where a per-class budget starts counting. */
  readonly startedAt?: string;
}

export function classEndRecordPath(labName: string, baseDir = process.cwd()): string {
  return join(labStateDir(labName, baseDir), 'class-end.json');
}

export function readClassEndRecord(
  labName: string,
  baseDir = process.cwd(),
): ClassEndRecord | undefined {
  const file = classEndRecordPath(labName, baseDir);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<ClassEndRecord>;
    if (typeof r.setting !== 'string' || typeof r.endsAt !== 'string') return undefined;
    return {
      setting: r.setting,
      endsAt: r.endsAt,
      ...(typeof r.startedAt === 'string' ? { startedAt: r.startedAt } : {}),
    };
  } catch {
    return undefined; // unreadable: the config's own setting applies again
  }
}

/** The end the next apply should use (undefined: the config sets no class end). */
export function resolveClassEnd(
  config: LabConfig,
  now = new Date(),
  baseDir = process.cwd(),
): Date | undefined {
  if (!hasClassEnd(config.class)) return undefined;
  return classEndOf(config.class, now, readClassEndRecord(config.name, baseDir));
}

/** The class's times the stack needs: its end, and its start (a per-class budget counts from it). */
export interface ClassTimes {
  readonly classEndsAt?: Date;
  readonly classStartedAt?: Date;
}

/** The end and start the next synth should use: recorded ones, else from the config and now. */
export function classTimes(
  config: LabConfig,
  now = new Date(),
  baseDir = process.cwd(),
): ClassTimes {
  const end = resolveClassEnd(config, now, baseDir);
  if (!end) return {};
  const started = readClassEndRecord(config.name, baseDir)?.startedAt;
  const start = started ? new Date(started) : now;
  return { classEndsAt: end, classStartedAt: Number.isNaN(start.getTime()) ? now : start };
}

/** How the hourly estimate compares with `class.budget` (undefined without one). */
export function classBudgetComparison(
  config: LabConfig,
  hourly: number,
  now = new Date(),
  baseDir = process.cwd(),
): BudgetComparison | undefined {
  const budget = config.class?.budget;
  if (!budget) return undefined;
  const { classEndsAt, classStartedAt } = classTimes(config, now, baseDir);
  const classHours =
    classEndsAt && classStartedAt
      ? (classEndsAt.getTime() - classStartedAt.getTime()) / 3_600_000
      : undefined;
  return budgetComparison(budget, hourly, classHours);
}

/** The end `up` or `extend` last applied, while the config still sets that end. */
export function appliedClassEnd(config: LabConfig, baseDir = process.cwd()): Date | undefined {
  if (!hasClassEnd(config.class)) return undefined;
  const record = readClassEndRecord(config.name, baseDir);
  if (!record || record.setting !== classEndSetting(config.class)) return undefined;
  const end = new Date(record.endsAt);
  return Number.isNaN(end.getTime()) ? undefined : end;
}

export function recordClassEnd(
  config: LabConfig,
  endsAt: Date,
  baseDir = process.cwd(),
  now = new Date(),
): void {
  if (!hasClassEnd(config.class)) return;
  const record: ClassEndRecord = {
    setting: classEndSetting(config.class),
    endsAt: endsAt.toISOString(),
    // The first up starts the class; extend and later ups keep that start.
    startedAt: readClassEndRecord(config.name, baseDir)?.startedAt ?? now.toISOString(),
  };
  writePrivateFileAtomic(
    classEndRecordPath(config.name, baseDir),
    `${JSON.stringify(record, null, 2)}\n`,
  );
}

/**
 * After an apply: records the end the stack's `class_ends_at` output says was applied
 * (what AWS now enforces), and returns it. Undefined when the config sets no end.
 */
export function recordAppliedClassEnd(
  config: LabConfig,
  outputs: Readonly<Record<string, { readonly value?: unknown } | undefined>>,
  baseDir = process.cwd(),
): Date | undefined {
  const value = outputs[CLASS_ENDS_AT_OUTPUT]?.value;
  if (!hasClassEnd(config.class) || typeof value !== 'string') return undefined;
  const end = new Date(value);
  if (Number.isNaN(end.getTime())) return undefined;
  recordClassEnd(config, end, baseDir);
  return end;
}

/** How close to now an end may be for `up` to still apply it (Scheduler needs a future time). */
export const MIN_LEAD_MS = 5 * 60_000;

/**
 * Before anything changes: an end already past (or about to be) would stop the hosts as
 * soon as they are up, or be refused by Scheduler mid-apply. Names the field that set it.
 */
export function assertClassEndAhead(
  config: LabConfig,
  end: Date | undefined,
  now = new Date(),
): void {
  if (!hasClassEnd(config.class) || !end || end.getTime() - now.getTime() >= MIN_LEAD_MS) return;
  const field = config.class.endsAt !== undefined ? 'class.endsAt' : 'class.hours';
  const at = end.toISOString();
  throw new InputError(
    `${field}: the class ends at ${at}, ${timeUntil(end, now)}; the lab would be stopped as soon as it is up`,
    {
      hint:
        config.class.endsAt !== undefined
          ? 'set class.endsAt to a later time'
          : 'the end was recorded by the first `up`: move it with `streamlab extend --hours N`',
    },
  );
}

/** `down` forgets the end with the rest of the lab: a new `up` starts a new class. */
export function forgetClassEnd(labName: string, baseDir = process.cwd()): void {
  rmSync(classEndRecordPath(labName, baseDir), { force: true });
}

/** "in 2 h 05 min", "in 12 min", "3 h 10 min ago". */
export function timeUntil(end: Date, now: Date): string {
  const ms = end.getTime() - now.getTime();
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const span = h > 0 ? `${h} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/**
 * The line status, up and the handout print: when the class ends, and a warning when
 * that is less than 30 minutes away or already past (the hosts are stopped then).
 */
export function classEndLine(end: Date, now = new Date()): { text: string; warning: boolean } {
  const at = `${end.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const left = end.getTime() - now.getTime();
  if (left <= 0) {
    return {
      text: `class ended at ${at} (${timeUntil(end, now)}): AWS has stopped the hosts; \`streamlab extend --hours N\` moves the end`,
      warning: true,
    };
  }
  if (left < END_WARNING_MS) {
    return {
      text: `class ends at ${at} (${timeUntil(end, now)}): AWS stops every host then; \`streamlab extend --hours N\` moves it`,
      warning: true,
    };
  }
  return { text: `class ends at ${at} (${timeUntil(end, now)})`, warning: false };
}
