/**
 * What Spark's from_json puts in a string column, from a decoded JSON value (the oracle's
 * `spark_string` in consumer/records.py): a string as it is, null as null, and any other
 * token written back as compact JSON, floats the way Java prints a double.
 */
import type { JsonValue } from './first-json-value';

/**
 * Double.toString, as Jackson writes a float: the shortest digits that read back the same,
 * positional in [1e-3, 1e7) with at least one decimal ("100.0"), else "d.dddE±n".
 * NaN and the infinities are written quoted, as Jackson writes them.
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (!Number.isFinite(value)) return value < 0 ? '"-Infinity"' : '"Infinity"';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value); // shortest digits, positional in this range
    return text.includes('.') ? text : `${text}.0`;
  }
  // toExponential() without an argument gives the shortest digits: "d.ddde+n".
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A decoded JSON value as Spark writes a non-string token into a string field. */
export function sparkJsonText(value: Exclude<JsonValue, null>): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return javaDouble(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === null ? 'null' : sparkJsonText(v))).join(',')}]`;
  }
  const members = [...value].map(
    ([k, v]) => `${JSON.stringify(k)}:${v === null ? 'null' : sparkJsonText(v)}`,
  );
  return `{${members.join(',')}}`;
}

/** A field of StringType: strings as they are, null as null, anything else as JSON text. */
export function sparkString(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : sparkJsonText(value);
}

/** A field of ArrayType(StringType): elements as sparkString; not an array → null. */
export function sparkStringArray(value: JsonValue | undefined): (string | null)[] | null {
  return Array.isArray(value) ? value.map(sparkString) : null;
}
