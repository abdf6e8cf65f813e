import type { S3Event } from 'aws-lambda';
import { createdObjects, decodeKey } from '../../../../functions/indexer/s3-event';

describe('decodeKey', () => {
  it.each([
    [
      'raw/2026/11/27/18/lab-1-2026-11-27-18-40-00-abc',
      'raw/2026/11/27/18/lab-1-2026-11-27-18-40-00-abc',
    ],
    ['raw+data/file.gz', 'raw data/file.gz'],
    ['a%2Bb.json', 'a+b.json'],
    ['%C3%B1and%C3%BA/%E6%97%A5.json', 'ñandú/日.json'],
    ['100%25.json', '100%.json'],
  ])('%s → %s', (encoded, key) => {
    expect(decodeKey(encoded)).toBe(key);
  });
});

describe('createdObjects', () => {
  const record = (eventName: string, key: string, size?: number) => ({
    eventName,
    s3: { bucket: { name: 'lake' }, object: { key, size } },
  });

  it('keeps ObjectCreated records only, with decoded keys', () => {
    const event = {
      Records: [
        record('ObjectCreated:Put', 'a+b.json', 10),
        record('ObjectRemoved:Delete', 'gone.json'),
        record('ObjectCreated:CompleteMultipartUpload', 'big%2B.gz'),
      ],
    } as unknown as S3Event;
    expect(createdObjects(event)).toEqual([
      { bucket: 'lake', key: 'a b.json', size: 10 },
      { bucket: 'lake', key: 'big+.gz', size: undefined },
    ]);
  });

  it('returns nothing for an event without records (a test invoke)', () => {
    expect(createdObjects({})).toEqual([]);
  });
});
