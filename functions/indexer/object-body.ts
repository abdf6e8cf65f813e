/**
 * Yields the bytes of an S3 object body, gunzipped on the fly when it is GZIP.
 *
 * Compression is recognised by the content's magic bytes, not by the key or the
 * Content-Encoding header: Firehose names GZIP objects without `.gz` unless told to,
 * and sets no Content-Encoding. Other Firehose compressions (ZIP, Snappy) are named in
 * the error so the operator knows which delivery setting to change.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
// Snappy framing format stream identifier: 0xff 0x06 0x00 0x00 "sNaPpY".
const SNAPPY_FRAMED = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];
const PEEK_BYTES = SNAPPY_FRAMED.length;

const startsWith = (head: Buffer, magic: number[]) =>
  head.length >= magic.length && magic.every((b, i) => head[i] === b);

export class UnsupportedCompressionError extends Error {
  constructor(kind: string) {
    super(
      `object is ${kind}-compressed; the indexer reads GZIP or uncompressed objects (set delivery.compression to GZIP or UNCOMPRESSED)`,
    );
    this.name = 'UnsupportedCompressionError';
  }
}

export async function* decodedBody(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const source = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  try {
    while (head.length < PEEK_BYTES) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, next.value]);
    }
    if (startsWith(head, ZIP)) throw new UnsupportedCompressionError('ZIP');
    if (startsWith(head, SNAPPY_FRAMED)) throw new UnsupportedCompressionError('Snappy');

    async function* replay(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      if (ended) return;
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    }

    if (!startsWith(head, GZIP)) {
      yield* replay();
      return;
    }
    // Node's gunzip also reads multi-member files (members concatenated end to end).
    // pipeline (not pipe) so a failing S3 stream fails the gunzip stream instead of stalling it.
    const gunzip = createGunzip();
    pipeline(Readable.from(replay(), { objectMode: false }), gunzip, () => undefined);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } finally {
      gunzip.destroy();
    }
  } finally {
    // Stopping early (an error downstream) must release the S3 connection.
    await source.return?.();
  }
}
