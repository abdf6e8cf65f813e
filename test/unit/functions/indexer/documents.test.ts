import { toDocument } from '../../../../functions/indexer/documents';

describe('toDocument', () => {
  it('uses the post id as the document id and keeps the JSON text as the source', () => {
    const text = '{"id":"at://did:plc:x/app.bsky.feed.post/3k","text":"hola"}';
    expect(toDocument(text)).toEqual({
      ok: true,
      document: { id: 'at://did:plc:x/app.bsky.feed.post/3k', source: text },
    });
  });

  it('accepts integer ids (tweet ids from old replay files)', () => {
    expect(toDocument('{"id":1234567890}')).toMatchObject({
      ok: true,
      document: { id: '1234567890' },
    });
  });

  it.each([
    ['{"id":', /invalid JSON/],
    ['[{"id":"1"}]', /not a JSON object/],
    ['{"text":"no id"}', /"id" is missing/],
    ['{"id":null}', /"id" is missing/],
    ['{"id":1.5}', /"id" is missing or not a string/],
    ['{"id":"  "}', /"id" is empty/],
    [`{"id":"${'é'.repeat(300)}"}`, /longer than 512 bytes/],
  ])('rejects %s', (text, reason) => {
    const result = toDocument(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
