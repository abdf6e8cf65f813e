import { isLabBucket } from '../../../../labs/aws/leftovers';

describe('isLabBucket: which buckets are this lab’s lake', () => {
  const made = 'class-lake-20261207044414105700000001'; // as terraform names a bucket_prefix

  it("takes terraform's bucket for the prefix, and a literal name as itself", () => {
    expect(isLabBucket(made, 'class-lake-')).toBe(true);
    expect(isLabBucket('my-own-lake', 'my-own-lake')).toBe(true);
  });

  it("refuses another lab's lake that merely starts with the prefix", () => {
    // Lab "class-lake-x": its prefix is "class-lake-x-lake-", which starts with "class-lake-".
    expect(isLabBucket('class-lake-x-lake-20261207044414105700000001', 'class-lake-')).toBe(false);
    expect(isLabBucket('class-lake-backup', 'class-lake-')).toBe(false);
    expect(isLabBucket(`${made}0`, 'class-lake-')).toBe(false);
    expect(isLabBucket('class-lake-2026120704441410570000000g', 'class-lake-')).toBe(false);
  });
});
