/**
 * Instants as microseconds since 1970-01-01T00:00:00Z (bigint), the unit Spark and DuckDB
 * keep timestamps in. A JavaScript Date holds milliseconds only, and the notebook's times
 * carry microseconds, so the analysis counts in these and prints them as ISO 8601 text.
 */

export const MICROS_PER_SECOND = 1_000_000n;
const SECONDS_PER_DAY = 86_400n;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: count from a March-based year so Feb 29 is last.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The first and last instants of years 1-9999, the range Python's datetime holds. */
export const MIN_MICROS = BigInt(daysFromCivil(1, 1, 1)) * SECONDS_PER_DAY * MICROS_PER_SECOND;
export const MAX_MICROS =
  BigInt(daysFromCivil(10_000, 1, 1)) * SECONDS_PER_DAY * MICROS_PER_SECOND - 1n;

/** "2026-11-27T18:40:17.123000Z": always six decimals, so the text sorts as the instant. */
export function isoFromMicros(micros: bigint): string {
  const day =
    micros >= 0n ? micros / 86_400_000_000n : -((-micros + 86_399_999_999n) / 86_400_000_000n);
  const inDay = micros - day * 86_400_000_000n;
  const { year, month, dayOfMonth } = civilFromDays(Number(day));
  const pad = (n: number | bigint, width = 2) => n.toString().padStart(width, '0');
  const seconds = inDay / MICROS_PER_SECOND;
  return (
    `${pad(year, 4)}-${pad(month)}-${pad(dayOfMonth)}T${pad(seconds / 3600n)}:` +
    `${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}.${pad(inDay % MICROS_PER_SECOND, 6)}Z`
  );
}

function civilFromDays(days: number): { year: number; month: number; dayOfMonth: number } {
  // The inverse of daysFromCivil (Hinnant's civil_from_days).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth };
}

/** Microseconds of a JavaScript Date (whole milliseconds). */
export const microsFromDate = (date: Date): bigint => BigInt(date.getTime()) * 1000n;
