/**
 * Configs the schema used to accept and AWS then refused mid-apply (issue 12): tags,
 * on-demand stream counts, lab names AWS reserves. Each must fail at load, exit 2, with
 * the path and the value named.
 */
import { ConfigError, parseConfig } from '../../../config';
import { MAX_TAGS_PER_RESOURCE, STACK_TAG_KEYS } from '../../../config/tags';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig({ ...base, ...raw });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

const manyTags = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

describe('tags, validated as AWS validates them', () => {
  it('accepts what AWS accepts: letters of any script, spaces, digits and _.:/=+-@, empty values', () => {
    const tags = {
      'cost-center': 'CC 42',
      'Kurs/Gruppe': 'Straße',
      'équipe@lab': 'a=b+c:d_e.f/g-h@i',
      owner: '',
      ['k'.repeat(128)]: 'v'.repeat(256),
    };
    expect(parseConfig({ ...base, tags }).tags).toEqual(tags);
  });

  const cases: Array<[string, Record<string, string>, string]> = [
    ['an empty key', { '': 'x' }, 'tags[""]: tag key is empty'],
    [
      'a key over 128 characters',
      { ['k'.repeat(129)]: 'x' },
      `tags.${'k'.repeat(129)}: tag key is 129 characters long; AWS allows 1..128`,
    ],
    [
      'a value over 256 characters',
      { course: 'v'.repeat(257) },
      'tags.course: tag value is 257 characters long; AWS allows 0..256',
    ],
    [
      'a character AWS refuses in a key',
      { 'cost,center': 'x' },
      'tags["cost,center"]: tag key "cost,center" has "," which AWS does not allow',
    ],
    [
      'a character AWS refuses in a value',
      { course: 'big data!' },
      'tags.course: tag value "big data!" has "!" which AWS does not allow',
    ],
    [
      'the aws: prefix',
      { 'aws:owner': 'x' },
      'tags["aws:owner"]: tag key "aws:owner" starts with "aws:"',
    ],
    [
      'the aws: prefix in another case',
      { 'AWS:owner': 'x' },
      'tags["AWS:owner"]: tag key "AWS:owner" starts with "aws:"',
    ],
  ];
  it.each(cases)('refuses %s, naming the tag', (_label, tags, expected) => {
    expect(problemsOf({ tags }).join('\n')).toContain(expected);
  });

  it('counts the tags the stack adds against the limit of 50 per resource', () => {
    const room = MAX_TAGS_PER_RESOURCE - STACK_TAG_KEYS.length;
    expect(parseConfig({ ...base, tags: manyTags(room) }).tags).toEqual(manyTags(room));
    expect(problemsOf({ tags: manyTags(room + 1) }).join('\n')).toContain(
      `tags: ${room + 1} tags plus the ${STACK_TAG_KEYS.length} streamlab adds (${STACK_TAG_KEYS.join(', ')}) exceed AWS's 50 tags per resource; give at most ${room}`,
    );
  });

  it('does not count a user tag twice when it has the key of one the stack adds', () => {
    const room = MAX_TAGS_PER_RESOURCE - STACK_TAG_KEYS.length;
    const tags = { ...manyTags(room), Name: 'x', lab: 'y' };
    expect(Object.keys(parseConfig({ ...base, tags }).tags)).toHaveLength(room + 2);
  });
});

describe('on-demand streams against the account default', () => {
  const students = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

  it('accepts 50 students on on-demand streams', () => {
    expect(
      parseConfig({ ...base, students: students(50), stream: { mode: 'on-demand' } }).students,
    ).toHaveLength(50);
  });

  it('refuses more than 50, naming stream.mode and the quota', () => {
    expect(problemsOf({ students: students(60), stream: { mode: 'on-demand' } })).toContain(
      'stream.mode: "on-demand" gives each of the 60 students a stream, but an AWS account holds 50 on-demand streams per region by default; use mode "provisioned" or split the class into labs of at most 50',
    );
  });

  it('leaves provisioned streams to the shard quota (not a config matter)', () => {
    expect(parseConfig({ ...base, students: students(60) }).students).toHaveLength(60);
  });
});

describe('lab names AWS reserves', () => {
  const cases: Array<[string, string]> = [
    [
      'sg-lab',
      'name: "sg-lab" starts with "sg-", which EC2 refuses at the start of security group names (the hosts\' groups are "<name>-<student>-ssh")',
    ],
    [
      'xn--lab',
      'name: "xn--lab" starts with "xn--", which S3 refuses at the start of bucket names (the data lake is "<name>-lake-…")',
    ],
    ['sthree-lab', 'name: "sthree-lab" starts with "sthree-", which S3 refuses'],
    ['amzn-s3-demo-lab', 'name: "amzn-s3-demo-lab" starts with "amzn-s3-demo-", which S3 refuses'],
  ];
  it.each(cases)('refuses %s', (name, expected) => {
    expect(problemsOf({ name }).join('\n')).toContain(expected);
  });

  it.each(['sgx', 'sg', 'xn-lab', 'lab-s3alias', 'lab--x-s3', 'lab--ol-s3'])(
    "accepts %s: the reserved suffixes cannot end a bucket name that ends in Terraform's unique suffix",
    (name) => {
      expect(parseConfig({ ...base, name }).name).toBe(name);
    },
  );
});
