/** config `class`: the end of the class, checked by path; the end it resolves to. */
import { parseConfig } from '../../../config';
import { classEndOf, classEndSetting, parseClassTime } from '../../../config/class';
import { problemsOf as configProblems } from '../../support/config-problems';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };
const problemsOf = (c: unknown) => configProblems({ ...base, class: c });

describe('class config', () => {
  it('is absent by default', () => {
    expect(parseConfig(base).class).toBeUndefined();
  });

  it.each([
    ['2026-03-02T17:00:00Z', '2026-03-02T17:00:00.000Z'],
    ['2026-03-02T17:00Z', '2026-03-02T17:00:00.000Z'],
    ['2026-03-02T12:00:00-05:00', '2026-03-02T17:00:00.000Z'],
    ['2028-02-29T10:00:00.250+01:00', '2028-02-29T09:00:00.250Z'],
  ])('reads endsAt %s as %s', (endsAt, iso) => {
    expect(parseConfig({ ...base, class: { endsAt } }).class).toEqual({ endsAt });
    expect(parseClassTime(endsAt)!.toISOString()).toBe(iso);
  });

  it.each([
    ['2026-03-02T17:00:00', 'no zone'],
    ['2026-02-30T10:00:00Z', 'a day February does not have'],
    ['2026-03-02 17:00:00Z', 'a space for the T'],
    ['2026-03-02T24:00:00Z', 'hour 24'],
    ['tomorrow', 'not a date'],
  ])('refuses endsAt %s (%s), naming the field', (endsAt) => {
    expect(problemsOf({ endsAt })).toEqual([
      `class.endsAt: ${JSON.stringify(endsAt)} is not an ISO date-time with a zone, such as "2026-03-02T17:00:00Z" or "2026-03-02T12:00:00-05:00"`,
    ]);
  });

  it.each([
    [0, 'class.hours: 0 must be greater than 0'],
    [-1, 'class.hours: -1 must be greater than 0'],
    [337, 'class.hours: 337 is more than 336 hours (two weeks)'],
    ['3', 'class.hours: must be a number of hours such as 3'],
  ])('refuses hours %p', (hours, problem) => {
    expect(problemsOf({ hours })).toEqual([problem]);
  });

  it('takes exactly one of endsAt and hours', () => {
    expect(problemsOf({})).toEqual([
      'class: give the end of the class: endsAt (a date-time) or hours (from `up`)',
    ]);
    expect(problemsOf({ hours: 2, endsAt: '2026-03-02T17:00:00Z' })).toEqual([
      'class: give either endsAt or hours, not both',
    ]);
    expect(problemsOf({ hour: 2 })[0]).toBe(
      'class.hour: unknown key (did you mean "hours"?); allowed here: endsAt, hours, budget',
    );
  });
});

describe('classEndOf', () => {
  const now = new Date('2026-03-02T09:15:30.700Z');

  it('hours count from now, in whole seconds', () => {
    expect(classEndOf({ hours: 1.5 }, now).toISOString()).toBe('2026-03-02T10:45:30.000Z');
  });

  it('endsAt is the moment it names', () => {
    expect(classEndOf({ endsAt: '2026-03-02T12:00:00-05:00' }, now).toISOString()).toBe(
      '2026-03-02T17:00:00.000Z',
    );
  });

  it('a recorded end wins while the config setting is the one it was recorded for', () => {
    const c = { hours: 3 };
    const recorded = { setting: classEndSetting(c), endsAt: '2026-03-02T11:00:00.000Z' };
    expect(classEndOf(c, now, recorded).toISOString()).toBe('2026-03-02T11:00:00.000Z');
    // The operator changed the config: the new setting applies, from now.
    expect(classEndOf({ hours: 4 }, now, recorded).toISOString()).toBe('2026-03-02T13:15:30.000Z');
  });
});

describe('class.budget', () => {
  const budget = { amount: 50, period: 'monthly', notify: 'prof@example.edu' };

  it('may stand alone (no end), currency USD by default', () => {
    expect(parseConfig({ ...base, class: { budget } }).class).toEqual({
      budget: { ...budget, currency: 'USD', stopInstances: false },
    });
  });

  it('refuses each bad field by path', () => {
    expect(
      problemsOf({
        hours: 3,
        budget: { amount: 0, currency: 'usd', period: 'weekly', notify: 'prof' },
      }),
    ).toEqual([
      'class.budget.amount: 0 must be greater than 0',
      'class.budget.currency: "usd" is not a currency code such as "USD" or "EUR"',
      'class.budget.period: "weekly" is not one of "monthly", "class"',
      'class.budget.notify: "prof" is not an email address such as "prof@example.edu"',
    ]);
  });

  it('period "class" needs an end of class', () => {
    expect(problemsOf({ budget: { ...budget, period: 'class' } })).toEqual([
      'class.budget.period: "class" counts from `up` to the end of the class, but the class has no end: set class.endsAt or class.hours, or use "monthly"',
    ]);
    expect(
      parseConfig({ ...base, class: { hours: 2, budget: { ...budget, period: 'class' } } }).class!
        .budget!.period,
    ).toBe('class');
  });
});
