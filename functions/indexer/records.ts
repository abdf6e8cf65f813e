/**
 * Splits a decoded S3 object into JSON records without holding the object in memory.
 *
 * Firehose concatenates record payloads as they arrive. Our producer ends each payload
 * with "\n", so objects are normally JSON lines, but a payload written by anything else
 * may have no delimiter at all and objects then read `{...}{...}`. The scanner therefore
 * ends a record where its outermost brace closes, and also at every newline: records are
 * compact JSON (a raw newline never appears inside one), so a newline inside an
 * unfinished record means that record is broken, and the next line starts clean instead
 * of being swallowed by it.
 *
 * It works on bytes: `{ } [ ] " \ \n` are ASCII and never occur inside a multi-byte
 * UTF-8 sequence, so chunk boundaries may split characters freely and only finished
 * records are decoded.
 */

export type Fragment =
  | { readonly kind: 'record'; readonly text: string; readonly line: number }
  | {
      readonly kind: 'malformed';
      readonly line: number;
      readonly reason: string;
      readonly excerpt: string;
    };

export interface SplitOptions {
  /** Records above this size are reported as malformed without being buffered. Kinesis caps a record at 1 MiB. */
  readonly maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
const EXCERPT_BYTES = 80;

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BOM = [0xef, 0xbb, 0xbf];

type Mode = 'between' | 'object' | 'garbage';

export async function* splitRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: SplitOptions = {},
): AsyncGenerator<Fragment> {
  const maxBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let mode = 'between' as Mode; // `as`: resetObject() assigns it, which narrowing cannot see
  let line = 1;
  let startLine = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Bytes of the current object from earlier chunks; dropped (not grown) once oversize.
  let pieces: Buffer[] = [];
  let size = 0;
  let oversize = false;
  let excerpt: Buffer[] = [];
  let excerptSize = 0;
  let bomSeen = 0; // bytes of a leading BOM matched so far; BOM.length once past it

  const keepExcerpt = (bytes: Buffer) => {
    if (excerptSize >= EXCERPT_BYTES) return;
    const part = bytes.subarray(0, EXCERPT_BYTES - excerptSize);
    excerpt.push(part);
    excerptSize += part.length;
  };
  const malformed = (reason: string): Fragment => {
    const text = Buffer.concat(excerpt).toString('utf8');
    return { kind: 'malformed', line: startLine, reason, excerpt: text };
  };
  const resetObject = () => {
    pieces = [];
    size = 0;
    oversize = false;
    excerpt = [];
    excerptSize = 0;
    depth = 0;
    inString = false;
    escaped = false;
    mode = 'between';
  };
  const hold = (bytes: Buffer) => {
    if (excerptSize < EXCERPT_BYTES) keepExcerpt(bytes);
    if (oversize) return;
    size += bytes.length;
    if (size > maxBytes) {
      oversize = true;
      pieces = [];
    } else {
      pieces.push(bytes);
    }
  };

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length);
    let start = 0; // where the current object or garbage run begins in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (bomSeen < BOM.length) {
        // A UTF-8 byte order mark (some editors put one in replay files) is not data; it
        // may be split across chunks like anything else.
        if (b === BOM[bomSeen]) {
          bomSeen++;
          continue;
        }
        if (bomSeen > 0) {
          startLine = line;
          mode = 'garbage';
        }
        bomSeen = BOM.length;
      }
      if (mode === 'between') {
        if (b === NL) line++;
        else if (b === SPACE || b === TAB || b === CR) continue;
        else {
          start = i;
          startLine = line;
          mode = b === OPEN_BRACE ? 'object' : 'garbage';
          if (mode === 'object') depth = 1;
        }
        continue;
      }
      if (mode === 'garbage') {
        if (b === NL) {
          keepExcerpt(chunk.subarray(start, i));
          yield malformed('not a JSON object');
          resetObject();
          line++;
        }
        continue;
      }
      // mode === 'object'
      if (b === NL) {
        hold(chunk.subarray(start, i));
        yield malformed(inString ? 'unterminated string' : 'unbalanced braces at end of line');
        resetObject();
        line++;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          hold(chunk.subarray(start, i + 1));
          if (oversize) {
            yield malformed(`record larger than ${maxBytes} bytes`);
          } else {
            const text = (pieces.length === 1 ? pieces[0] : Buffer.concat(pieces)).toString('utf8');
            yield { kind: 'record', text, line: startLine };
          }
          resetObject();
        }
      }
    }
    // Carry the unfinished object (or garbage excerpt) into the next chunk. The bytes are
    // copied: the stream may reuse its buffer once we ask for more.
    if (mode === 'object') hold(Buffer.from(chunk.subarray(start)));
    else if (mode === 'garbage') keepExcerpt(Buffer.from(chunk.subarray(start)));
  }
  if (mode === 'object') yield malformed('object truncated at end of data');
  else if (mode === 'garbage') yield malformed('not a JSON object');
}
