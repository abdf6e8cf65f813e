import { backoffDelay } from '../../../../functions/indexer/backoff';
import { parseItems } from '../../../../functions/indexer/bulk-client';

describe('backoffDelay', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 1000 };
  it('doubles the ceiling each retry up to the cap', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(policy, r, almostOne))).toEqual([
      199, 399, 799, 999, 999,
    ]);
  });
  it('draws anywhere from zero (full jitter)', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('parseItems', () => {
  it('reads status, error type and reason of every item, in order', () => {
    const body = JSON.stringify({
      errors: true,
      items: [
        { index: { _id: 'a', status: 201 } },
        {
          index: {
            _id: 'b',
            status: 429,
            error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
          },
        },
        {
          index: {
            _id: 'c',
            status: 400,
            error: { type: 'mapper_parsing_exception', reason: 'bad date' },
          },
        },
      ],
    });
    expect(parseItems(body, 3)).toEqual([
      { status: 201, type: 'error', reason: '' },
      { status: 429, type: 'es_rejected_execution_exception', reason: 'queue full' },
      { status: 400, type: 'mapper_parsing_exception', reason: 'bad date' },
    ]);
  });

  it('refuses a response that does not answer every action', () => {
    expect(() => parseItems('{"items":[]}', 2)).toThrow('_bulk response has 0 items for 2 actions');
    expect(() => parseItems('<html>', 1)).toThrow(/not JSON: <html>/);
  });
});
