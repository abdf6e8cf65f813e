import { toDocument } from '../../../../functions/indexer/documents';
import { STUDENTS_ROOT, studentOfKey } from '../../../../functions/indexer/student-key';
import { DATA_ROOT } from '../../../../stacks/constructs/delivery';

describe('toDocument', () => {
  it('ids the document <student>:<post id> and adds the student to the source', () => {
    const text = '{"id":"at://did:plc:x/app.bsky.feed.post/3k","text":"hola"}';
    expect(toDocument(text, 'ana')).toEqual({
      ok: true,
      document: {
        id: 'ana:at://did:plc:x/app.bsky.feed.post/3k',
        source: '{"id":"at://did:plc:x/app.bsky.feed.post/3k","text":"hola","student":"ana"}',
      },
    });
  });

  it("a record on Ana's stream claiming Bruno (his post id, his name) stays Ana's document", () => {
    const forged = '{"id":"bruno-post-1","student":"bruno","student":"bruno","text":"x"}';
    const result = toDocument(forged, 'ana');
    expect(result).toEqual({
      ok: true,
      document: {
        id: 'ana:bruno-post-1',
        source: '{"id":"bruno-post-1","student":"ana","text":"x"}',
      },
    });
    // Bruno's own copy of that post is another document.
    expect(toDocument('{"id":"bruno-post-1"}', 'bruno')).toMatchObject({
      document: { id: 'bruno:bruno-post-1' },
    });
  });

  it('accepts integer ids (tweet ids from old replay files)', () => {
    expect(toDocument('{"id":1234567890}', 'ana')).toMatchObject({
      ok: true,
      document: { id: 'ana:1234567890' },
    });
  });

  it.each([
    ['{"id":', /invalid JSON/],
    ['[{"id":"1"}]', /not a JSON object/],
    ['{"text":"no id"}', /"id" is missing/],
    ['{"id":null}', /"id" is missing/],
    ['{"id":1.5}', /"id" is missing or not a string/],
    ['{"id":"  "}', /"id" is empty/],
    [`{"id":"${'é'.repeat(255)}"}`, /"<student>:<id>" is longer than 512 bytes/],
  ])('rejects %s', (text, reason) => {
    const result = toDocument(text, 'ana');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('studentOfKey', () => {
  it("reads the student from the delivery's prefix (the stack's own root)", () => {
    expect(STUDENTS_ROOT).toBe(DATA_ROOT);
    expect(studentOfKey('students/ana/year=2026/month=12/x.gz')).toBe('ana');
    expect(studentOfKey('students/bo-r/x')).toBe('bo-r');
  });

  it.each([
    'errors/ana/x',
    'students/x',
    'students//x',
    'students/Ana/x',
    'students/-a/x',
    'students/../bruno/x',
    'plain/students/ana/x',
  ])('names no student for %s', (key) => {
    expect(studentOfKey(key)).toBeUndefined();
  });
});
