/**
 * The first JSON value of a record, read exactly as the notebook's oracle reads it
 * (consumer/records.py `first_json_value`: Python's json decoder after Jackson's limits),
 * so DuckDB gets the posts Spark would. JSON.parse cannot: it refuses what follows the
 * value, NaN and Infinity (which Spark accepts), rounds big integers, and orders an
 * object's integer-like keys first, which changes how a nested object is written back.
 *
 * Integers stay exact (bigint), other numbers are doubles, objects are Maps: a repeated
 * key keeps its first place and its last value, as a Python dict does.
 */

/** A decoded JSON value. */
export type JsonValue = null | boolean | string | bigint | number | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** Jackson's StreamReadConstraints default: a longer number fails the record. */
export const MAX_NUMBER_LENGTH = 1000;
/**
 * Jackson allows 1000 levels; the oracle stops at 200 because Python's own recursion
 * limit is near 1000 (consumer/records.py MAX_NESTING_DEPTH). The record's object is level 1.
 */
export const MAX_NESTING_DEPTH = 200;

/** The record holds no JSON value the notebook would read: it is dropped, never fatal. */
export class NotJson extends Error {
  constructor(reason: string, at: number) {
    super(`${reason} at character ${at}`);
    this.name = 'NotJson';
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
/** A run of characters a string holds as they are (Python's strict mode refuses < 0x20). */
// eslint-disable-next-line no-control-regex -- control characters are what it stops at
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LITERALS: ReadonlyArray<readonly [string, JsonValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  first(): JsonValue {
    this.skipWhitespace();
    return this.value(0);
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.text[this.at]!)) this.at++;
  }

  private value(depth: number): JsonValue {
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.number();
  }

  private enter(depth: number): void {
    if (depth > MAX_NESTING_DEPTH) {
      throw new NotJson(`nesting deeper than ${MAX_NESTING_DEPTH} levels`, this.at);
    }
    this.at++;
    this.skipWhitespace();
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const entries: JsonObject = new Map();
    if (this.text[this.at] === '}') {
      this.at++;
      return entries;
    }
    for (;;) {
      if (this.text[this.at] !== '"') throw new NotJson('expected a property name', this.at);
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.at] !== ':') throw new NotJson("expected ':'", this.at);
      this.at++;
      this.skipWhitespace();
      entries.set(key, this.value(depth));
      if (this.endOf('}')) return entries;
    }
  }

  private array(depth: number): JsonValue[] {
    this.enter(depth);
    const items: JsonValue[] = [];
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      if (this.endOf(']')) return items;
    }
  }

  /** After a member: true at the closing bracket, past a ',' otherwise. */
  private endOf(close: string): boolean {
    this.skipWhitespace();
    const c = this.text[this.at];
    this.at++;
    if (c === close) return true;
    if (c !== ',') throw new NotJson(`expected ',' or '${close}'`, this.at - 1);
    this.skipWhitespace();
    return false;
  }

  private string(): string {
    this.at++; // the opening quote
    let out = '';
    let escapedSurrogate = false;
    for (;;) {
      PLAIN_RUN.lastIndex = this.at;
      const run = PLAIN_RUN.exec(this.text)![0];
      out += run;
      this.at += run.length;
      const c = this.text[this.at];
      if (c === '"') {
        this.at++;
        // Escaped halves that pair up are one character, as in Python; a lone one is
        // written as '?' (Java's UTF-8 encoder), which the oracle applies to every string.
        return escapedSurrogate ? out.replace(LONE_SURROGATE, '?') : out;
      }
      if (c !== '\\') throw new NotJson('unterminated string or control character', this.at);
      const kind = this.text[this.at + 1];
      if (kind === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!HEX4.test(hex)) throw new NotJson('invalid \\u escape', this.at);
        const unit = parseInt(hex, 16);
        escapedSurrogate ||= unit >= 0xd800 && unit <= 0xdfff;
        out += String.fromCharCode(unit);
        this.at += 6;
      } else if (kind !== undefined && kind in ESCAPES) {
        out += ESCAPES[kind];
        this.at += 2;
      } else {
        throw new NotJson('invalid escape', this.at);
      }
    }
  }

  /** Python's number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?, ASCII digits. */
  private number(): bigint | number {
    const start = this.at;
    let at = start;
    if (this.text[at] === '-') at++;
    if (this.text[at] === '0') at++;
    else if (isDigit(this.text[at])) {
      while (isDigit(this.text[at])) at++;
    } else {
      throw new NotJson('expected a value', start);
    }
    let float = false;
    if (this.text[at] === '.' && isDigit(this.text[at + 1])) {
      float = true;
      at += 2;
      while (isDigit(this.text[at])) at++;
    }
    if (this.text[at] === 'e' || this.text[at] === 'E') {
      let exponent = at + 1;
      if (this.text[exponent] === '+' || this.text[exponent] === '-') exponent++;
      if (isDigit(this.text[exponent])) {
        float = true;
        while (isDigit(this.text[exponent])) exponent++;
        at = exponent;
      }
    }
    const token = this.text.slice(start, at);
    if (token.length > MAX_NUMBER_LENGTH) {
      throw new NotJson(`number longer than ${MAX_NUMBER_LENGTH} characters`, start);
    }
    this.at = at;
    return float ? Number(token) : BigInt(token);
  }
}

/**
 * The first JSON value in text, what follows it ignored; leading JSON whitespace skipped.
 * Throws NotJson when there is none (empty, not JSON, cut off, past Jackson's limits).
 */
export function firstJsonValue(text: string): JsonValue {
  return new Reader(text).first();
}
