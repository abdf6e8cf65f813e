import { splitRecords, type Fragment } from '../../../../functions/indexer/records';

/** Feeds `text` in chunks of `size` bytes, so every boundary position gets exercised. */
async function* chunked(data: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function split(data: string | Buffer, size = 1 << 16, maxRecordBytes?: number) {
  const out: Fragment[] = [];
  for await (const f of splitRecords(chunked(data, size), { maxRecordBytes })) out.push(f);
  return out;
}

const records = (fs: Fragment[]) => fs.filter((f) => f.kind === 'record').map((f) => f.text);
const problems = (fs: Fragment[]) =>
  fs.flatMap((f) => (f.kind === 'malformed' ? [`${f.line}: ${f.reason}`] : []));

describe('splitRecords', () => {
  it('splits JSON lines', async () => {
    expect(records(await split('{"id":"1"}\n{"id":"2"}\n'))).toEqual(['{"id":"1"}', '{"id":"2"}']);
  });

  it('splits records concatenated without a delimiter, and mixed with lines', async () => {
    const fs = await split('{"id":"1"}{"id":"2"}\n{"id":"3"} {"id":"4"}');
    expect(records(fs)).toEqual(['{"id":"1"}', '{"id":"2"}', '{"id":"3"}', '{"id":"4"}']);
    expect(fs.map((f) => f.line)).toEqual([1, 1, 2, 2]);
  });

  it('is not fooled by braces, brackets, quotes and backslashes inside strings', async () => {
    const tricky = [
      { id: '1', text: 'a } b { c }{ d' },
      { id: '2', text: 'quote " and \\" and \\\\', tags: ['[', ']'] },
      { id: '3', nested: { deep: [{ x: '}' }] } },
      { id: '4', text: 'he said "}{" then {', end: 'a backslash \\' },
    ].map((o) => JSON.stringify(o));
    expect(records(await split(tricky.join('')))).toEqual(tricky);
  });

  it.each([1, 2, 3, 7, 64])(
    'gives the same result for chunks of %i byte(s), UTF-8 split anywhere',
    async (size) => {
      const text = '{"id":"ñ1","t":"日本語 🚀 }{"}\r\n{"id":"2"}{"id":"3"}\nbad line\n{"id":"4"';
      const fs = await split(text, size);
      expect(records(fs)).toEqual(['{"id":"ñ1","t":"日本語 🚀 }{"}', '{"id":"2"}', '{"id":"3"}']);
      expect(problems(fs)).toEqual(['3: not a JSON object', '4: object truncated at end of data']);
    },
  );

  it('ends a broken record at the newline so the next line is still read', async () => {
    const fs = await split('{"id":"1","text":"cut\n{"id":"2"}\n{"id":"3",\n{"id":"4"}\n');
    expect(records(fs)).toEqual(['{"id":"2"}', '{"id":"4"}']);
    expect(problems(fs)).toEqual(['1: unterminated string', '3: unbalanced braces at end of line']);
  });

  it('reports a line of garbage once, with an excerpt', async () => {
    const fs = await split('\n\nhello world\n{"id":"1"}\n');
    expect(fs[0]).toEqual({
      kind: 'malformed',
      line: 3,
      reason: 'not a JSON object',
      excerpt: 'hello world',
    });
    expect(records(fs)).toEqual(['{"id":"1"}']);
  });

  it('reports an oversize record without keeping it, then carries on', async () => {
    const big = JSON.stringify({ id: 'big', text: 'x'.repeat(5000) });
    const fs = await split(`${big}{"id":"after"}\n`, 100, 1000);
    expect(problems(fs)).toEqual(['1: record larger than 1000 bytes']);
    expect(records(fs)).toEqual(['{"id":"after"}']);
    const excerpt = (fs[0] as { excerpt: string }).excerpt;
    expect(excerpt).toBe(big.slice(0, 80));
  });

  it('skips a UTF-8 byte order mark and blank input', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"1"}')]);
    expect(records(await split(bom, 1))).toEqual(['{"id":"1"}']);
    expect(await split('')).toEqual([]);
    expect(await split(' \n\r\n\t\n')).toEqual([]);
  });

  it('pulls the source lazily: the first record arrives before the rest is read', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.from(`{"id":"${i}"}\n`);
      }
    }
    const it = splitRecords(source())[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toMatchObject({ kind: 'record', text: '{"id":"0"}' });
    expect(pulled).toBe(1);
    await it.return(undefined);
  });
});
