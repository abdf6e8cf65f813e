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

export const BUDGET_PERIODS = ['monthly', 'class'] as const;

/** An address AWS Budgets mails (a plain local@domain; no display name, no list). */
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

const budgetSchema = z.strictObject({
  /** The limit, in `currency`: e.g. 50. */
  amount: z
    .number({ error: 'must be a number such as 50' })
    .positive({ error: (i) => `${JSON.stringify(i.input)} must be greater than 0` })
    .max(1_000_000, { error: (i) => `${JSON.stringify(i.input)} is above 1000000` }),
  /** ISO 4217 code of the account's billing currency. @default "USD" */
  currency: z
    .string({ error: 'must be a currency code such as "USD"' })
    .regex(/^[A-Z]{3}$/, {
      error: (i) => `${JSON.stringify(i.input)} is not a currency code such as "USD" or "EUR"`,
    })
    .default('USD'),
  /** "monthly": every calendar month; "class": the days from `up` to the class's end. */
  period: z.enum(BUDGET_PERIODS, {
    error: (i) =>
      `${JSON.stringify(i.input)} is not one of ${BUDGET_PERIODS.map((p) => JSON.stringify(p)).join(', ')}`,
  }),
  /** Who AWS Budgets mails at 80 % of the amount spent and at 100 % forecast. */
  notify: z.string({ error: 'must be an email address' }).regex(EMAIL, {
    error: (i) => `${JSON.stringify(i.input)} is not an email address such as "prof@example.edu"`,
  }),
  /**
   * When actual spend passes 100 % of the amount, AWS Budgets stops the lab's instances
   * (a budget action) and mails `notify`. @default false
   */
  stopInstances: z.boolean({ error: 'must be true or false' }).default(false),
});

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
    /** An AWS Budgets budget with an email notification. @default none */
    budget: budgetSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.endsAt !== undefined && c.hours !== undefined) {
      ctx.addIssue({
        code: 'custom',
        input: c,
        message: 'give either endsAt or hours, not both',
      });
    } else if (c.endsAt === undefined && c.hours === undefined && c.budget === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: c,
        message: 'give the end of the class: endsAt (a date-time) or hours (from `up`)',
      });
    } else if (c.endsAt === undefined && c.hours === undefined && c.budget?.period === 'class') {
      ctx.addIssue({
        code: 'custom',
        path: ['budget', 'period'],
        input: 'class',
        message:
          '"class" counts from `up` to the end of the class, but the class has no end: set class.endsAt or class.hours, or use "monthly"',
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

/** Whether the config sets an end (a `class` may hold only a budget). */
export function hasClassEnd(c: ClassConfig | undefined): c is ClassConfig {
  return c !== undefined && (c.endsAt !== undefined || c.hours !== undefined);
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
