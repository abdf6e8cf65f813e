import { Batcher, bulkEntry } from '../../../../functions/indexer/batches';

const entry = (id: string, size = 10) =>
  bulkEntry('posts', { id, source: JSON.stringify({ id, t: 'x'.repeat(size) }) });

describe('bulkEntry', () => {
  it('writes an index action with the id, then the source, each ending in a newline', () => {
    const e = entry('a"b', 0);
    expect(e.lines).toBe('{"index":{"_index":"posts","_id":"a\\"b"}}\n{"id":"a\\"b","t":""}\n');
    expect(e.bytes).toBe(Buffer.byteLength(e.lines));
  });
  it('counts bytes, not characters', () => {
    const e = bulkEntry('posts', { id: 'ñ', source: '{"id":"ñ"}' });
    expect(e.bytes).toBe(e.lines.length + 2);
  });
});

describe('Batcher', () => {
  it('closes a batch when it reaches the document bound', () => {
    const b = new Batcher({ maxDocs: 3, maxBytes: 1e9 });
    const closed = ['1', '2', '3', '4', '5', '6', '7'].map((id) => b.add(entry(id)));
    expect(closed.map((c) => c?.map((e) => e.id))).toEqual([
      undefined,
      undefined,
      ['1', '2', '3'],
      undefined,
      undefined,
      ['4', '5', '6'],
      undefined,
    ]);
    expect(b.take().map((e) => e.id)).toEqual(['7']);
    expect(b.take()).toEqual([]);
  });

  it('closes a batch before an entry that would overflow the byte bound', () => {
    const one = entry('1', 100).bytes;
    const b = new Batcher({ maxDocs: 1000, maxBytes: one * 2 + 1 });
    expect(b.add(entry('1', 100))).toBeUndefined();
    expect(b.add(entry('2', 100))).toBeUndefined();
    expect(b.add(entry('3', 100))?.map((e) => e.id)).toEqual(['1', '2']);
  });

  it('sends an entry larger than the byte bound alone', () => {
    const b = new Batcher({ maxDocs: 1000, maxBytes: 50 });
    expect(b.add(entry('small', 0))).toBeUndefined();
    expect(b.add(entry('huge', 500))?.map((e) => e.id)).toEqual(['small']);
    expect(b.add(entry('next', 0))?.map((e) => e.id)).toEqual(['huge']);
  });

  it('refuses limits that could never close a batch', () => {
    expect(() => new Batcher({ maxDocs: 0, maxBytes: 10 })).toThrow(/must be positive/);
  });
});
