import { randomBytes } from 'node:crypto';
import { getDefaultHighWaterMark } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  decodedBody,
  UnsupportedCompressionError,
} from '../../../../functions/indexer/object-body';

async function* chunks(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function read(source: AsyncIterable<Uint8Array>): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of decodedBody(source)) out.push(c);
  return Buffer.concat(out).toString('utf8');
}

const text = Array.from({ length: 200 }, (_, i) => `{"id":"${i}","text":"ñ"}\n`).join('');

describe('decodedBody', () => {
  it('passes plain bytes through, whatever the chunking', async () => {
    expect(await read(chunks(Buffer.from(text), 1))).toBe(text);
    expect(await read(chunks(Buffer.from(text), 4096))).toBe(text);
  });

  it('recognises GZIP by its magic bytes, even when they arrive one byte at a time', async () => {
    expect(await read(chunks(gzipSync(text), 1))).toBe(text);
    expect(await read(chunks(gzipSync(text), 1000))).toBe(text);
  });

  it('reads GZIP files made of several members', async () => {
    const twoMembers = Buffer.concat([gzipSync('{"id":"a"}\n'), gzipSync('{"id":"b"}\n')]);
    expect(await read(chunks(twoMembers, 7))).toBe('{"id":"a"}\n{"id":"b"}\n');
  });

  it('handles empty and one-byte objects', async () => {
    expect(await read(chunks(Buffer.alloc(0), 1))).toBe('');
    expect(await read(chunks(Buffer.from('x'), 1))).toBe('x');
  });

  it('names ZIP and Snappy objects instead of indexing garbage', async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
    await expect(read(chunks(zip, 3))).rejects.toThrow(UnsupportedCompressionError);
    const snappy = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59, 1, 2]);
    await expect(read(chunks(snappy, 5))).rejects.toThrow(
      /Snappy-compressed.*delivery\.compression/,
    );
  });

  it('fails on a corrupt GZIP stream instead of hanging', async () => {
    const broken = gzipSync(text).subarray(0, 100);
    await expect(read(chunks(broken, 10))).rejects.toThrow(/unexpected end of file/);
  });

  it('fails when the S3 stream fails midway', async () => {
    async function* failing() {
      yield gzipSync(text).subarray(0, 50);
      throw new Error('socket hang up');
    }
    await expect(read(failing())).rejects.toThrow('socket hang up');
  });

  it('streams GZIP: output starts before the whole object has been read', async () => {
    // Streams buffer up to their high-water mark (16 KiB on Node 20, 64 KiB from 22) at
    // each stage, so the object is many marks long and made of random (incompressible)
    // bytes: only a decoder that streams stops pulling long before the end.
    const mark = getDefaultHighWaterMark(false);
    const lines = Array.from({ length: 16 }, () => randomBytes(mark).toString('base64'));
    const big = gzipSync(lines.map((l) => `{"id":"${l}"}\n`).join(''));
    expect(big.length).toBeGreaterThan(16 * mark);
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < big.length; i += 512) {
        pulled++;
        yield big.subarray(i, i + 512);
      }
    }
    const it = decodedBody(source())[Symbol.asyncIterator]();
    await it.next();
    const total = Math.ceil(big.length / 512);
    expect(pulled).toBeLessThan(total / 2);
    await it.return(undefined);
  });
});
