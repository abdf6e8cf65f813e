/**
 * config `class`: when the class ends. At that time an EventBridge Scheduler schedule in
 * the lab's own account stops every instance of the lab (stacks/constructs/class-end.ts):
 * AWS enforces the end, not the hosts, on which students have root.
 *
 * Exactly one of `endsAt` (a moment) and `hours` (counted from the first `up`; the moment
 * that gives is recorded, so a later `up` does not push the end back).
 */
import { z } from 'zod';

/** The longest class `hours` may ask for: two weeks, a lab that is not a class any more. */
export const MAX_CLASS_HOURS = 24 * 14;

/** An ISO 8601 date-time with its zone: "2026-03-02T17:00:00Z", "2026-03-02T12:00-05:00". */
const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The moment an ISO date-time names, or undefined when it is not one: a missing zone (the
 * schedule's moment would depend on the machine's), or a day the calendar does not have
 * (JavaScript reads "2026-02-30" as 2 March).
 */
export function parseClassTime(text: string): Date | undefined {
  const m = ISO_WITH_ZONE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  if (calendar.getUTCMonth() !== month! - 1 || calendar.getUTCDate() !== day!) return undefined;
  if (hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

export const classSchema = z
  .strictObject({
    /** When the class ends, with its zone, e.g. "2026-03-02T17:00:00Z". */
    endsAt: z
      .string({ error: 'must be a date-time string such as "2026-03-02T17:00:00Z"' })
      .refine((v) => parseClassTime(v) !== undefined, {
        error: (i) =>
          `${JSON.stringify(i.input)} is not an ISO date-time with a zone, such as "2026-03-02T17:00:00Z" or "2026-03-02T12:00:00-05:00"`,
      })
      .optional(),
    /** Instead of endsAt: hours from the first `up` (recorded then; `extend` moves it). */
    hours: z
      .number({ error: 'must be a number of hours such as 3' })
      .positive({ error: (i) => `${JSON.stringify(i.input)} must be greater than 0` })
      .max(MAX_CLASS_HOURS, {
        error: (i) =>
          `${JSON.stringify(i.input)} is more than ${MAX_CLASS_HOURS} hours (two weeks)`,
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.endsAt === undefined) === (c.hours === undefined)) {
      ctx.addIssue({
        code: 'custom',
        input: c,
        message:
          c.endsAt === undefined
            ? 'give the end of the class: endsAt (a date-time) or hours (from `up`)'
            : 'give either endsAt or hours, not both',
      });
    }
  });

export type ClassConfig = z.output<typeof classSchema>;

/**
 * What the config says about the end, as the key that identifies it: a recorded end is
 * reused only while this is unchanged (editing the config starts over from the new value).
 */
export function classEndSetting(c: ClassConfig): string {
  return c.endsAt !== undefined ? `endsAt=${c.endsAt}` : `hours=${c.hours}`;
}

/**
 * The end of the class: the recorded one (set by the first `up`, moved by `extend`) while
 * the config's setting is unchanged, else `endsAt`, else `now + hours`. Whole seconds,
 * since a schedule's `at()` expression has no finer unit.
 */
export function classEndOf(
  c: ClassConfig,
  now: Date,
  recorded?: { readonly setting: string; readonly endsAt: string },
): Date {
  const fromRecord =
    recorded && recorded.setting === classEndSetting(c) ? new Date(recorded.endsAt) : undefined;
  const end =
    fromRecord && !Number.isNaN(fromRecord.getTime())
      ? fromRecord
      : c.endsAt !== undefined
        ? parseClassTime(c.endsAt)!
        : new Date(now.getTime() + c.hours! * 3_600_000);
  return new Date(Math.floor(end.getTime() / 1000) * 1000);
}
