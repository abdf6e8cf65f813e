/**
 * try_to_timestamp(value) without a format, which is Spark's CAST(string AS TIMESTAMP),
 * as the oracle mirrors it (consumer/records.py `parse_timestamp`): microseconds since the
 * epoch in UTC, or null, never an error.
 *
 * "[+]yyyy[-m[m][-d[d]]]", then " " or "T" and "h[h][:m[m][:s[s][.fraction]]]"; a zone may
 * follow the seconds only (Z, ±h[h], ±hh[:]mm, UTC/GMT/UT alone or with an offset, spaces
 * before it). ASCII digits; ASCII whitespace and control characters around the text are
 * trimmed; fraction digits past the sixth are dropped; a zoneless time is UTC (the
 * notebook's session time zone). Years outside 1-9999, before or after the zone is applied,
 * give null, as do time-only strings and region zone ids (the oracle's stated limits).
 */
import { MAX_MICROS, MICROS_PER_SECOND, MIN_MICROS, daysFromCivil, daysInMonth } from './micros';

const TIMESTAMP =
  /^\+?(?<year>[0-9]{4,6})(?:-(?<month>[0-9]{1,2})(?:-(?<day>[0-9]{1,2})(?:[ T](?<hour>[0-9]{1,2})(?::(?<minute>[0-9]{1,2})(?::(?<second>[0-9]{1,2})(?:\.(?<fraction>[0-9]*))?(?<zone>[^0-9][\s\S]*)?)?)?)?)?)?$/;
const OFFSET =
  /^(?<sign>[+-])(?:(?<h>[0-9]{1,2})|(?<hh>[0-9]{2}):?(?<mm>[0-9]{2})|(?<h1>[0-9]):(?<m1>[0-9]{2}))$/;
/** Spark trims bytes that are ASCII whitespace or ISO control characters (0x00-0x20, 0x7f). */
// eslint-disable-next-line no-control-regex -- control characters are what it trims
const AROUND_TEXT = /^[\u0000-\u0020\u007f]+|[\u0000-\u0020\u007f]+$/g;
/** Java's String.trim around the zone: characters up to U+0020. */
// eslint-disable-next-line no-control-regex -- control characters are what it trims
const AROUND_ZONE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

/** A zone's offset in seconds east of UTC, or null when Spark's mirror does not read it. */
function zoneOffsetSeconds(zone: string): number | null {
  const trimmed = zone.replace(AROUND_ZONE, '');
  if (trimmed === '' || trimmed === 'Z') return 0;
  const prefix = ['UTC', 'GMT', 'UT'].find((p) => trimmed.startsWith(p));
  if (prefix !== undefined) {
    const rest = trimmed.slice(prefix.length);
    return rest === '' ? 0 : offsetSeconds(rest);
  }
  return offsetSeconds(trimmed);
}

function offsetSeconds(text: string): number | null {
  const m = OFFSET.exec(text)?.groups;
  if (!m) return null;
  const hours = Number(m.h ?? m.hh ?? m.h1);
  const minutes = Number(m.mm ?? m.m1 ?? 0);
  if (hours > 18 || minutes > 59 || (hours === 18 && minutes > 0)) return null;
  return (m.sign === '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
}

/** "2026-11-27T18:40:17.123Z" (the producer's form) → 1796409617123000n. */
export function sparkTimestampMicros(value: string | null): bigint | null {
  if (value === null) return null;
  const m = TIMESTAMP.exec(value.replace(AROUND_TEXT, ''))?.groups;
  if (!m) return null;
  const offset = zoneOffsetSeconds(m.zone ?? '');
  if (offset === null) return null;
  const [year, month, day, hour, minute, second] = [
    m.year,
    m.month ?? '1',
    m.day ?? '1',
    m.hour ?? '0',
    m.minute ?? '0',
    m.second ?? '0',
  ].map(Number) as [number, number, number, number, number, number];
  const valid =
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!valid) return null;
  const fraction = BigInt((m.fraction ?? '').slice(0, 6).padEnd(6, '0'));
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  const micros = BigInt(seconds - offset) * MICROS_PER_SECOND + fraction;
  return micros >= MIN_MICROS && micros <= MAX_MICROS ? micros : null;
}
