import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, parseConfigText } from '../../../config';
import { problemsOf } from '../../support/config-problems';

const base = { name: 'demo', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };

describe('config defaults', () => {
  it('fills every default for a minimal config', () => {
    const c = parseConfig(base);
    expect(c.students).toEqual(['lab']);
    expect(c.instanceType).toBe('t3.micro');
    expect(c.ubuntu).toBe('24.04');
    expect(c.stream).toEqual({ mode: 'provisioned', shards: 1, retentionHours: 24 });
    expect(c.delivery).toEqual({
      bufferSeconds: 60,
      bufferMiB: 5,
      compression: 'GZIP',
      expireDays: 30,
    });
    expect(c.producer.source).toBe('bluesky');
    expect(c.search).toEqual({ enabled: false, instanceType: 't3.small.search' });
    expect(c.policy.waivers).toEqual([]);
  });

  it('leaves shards unset for on-demand streams', () => {
    expect(parseConfig({ ...base, stream: { mode: 'on-demand' } }).stream.shards).toBeUndefined();
  });

  it('accepts 0.0.0.0/0 only with allowOpenSsh', () => {
    expect(
      parseConfig({ ...base, operatorCidr: '0.0.0.0/0', allowOpenSsh: true }).operatorCidr,
    ).toBe('0.0.0.0/0');
  });
});

describe('bad configs name the path and the value', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'student not DNS-safe',
      { students: ['ana', 'bo', 'Bob!'] },
      'students[2]: "Bob!" is not a DNS-safe name',
    ],
    ['duplicate student', { students: ['ana', 'ana'] }, 'students[1]: "ana" is listed twice'],
    ['empty students', { students: [] }, 'students: must list at least one student'],
    ['name with capitals', { name: 'MyLab' }, 'name: "MyLab" is not a DNS-safe name'],
    [
      'name too long',
      { name: 'a'.repeat(25) },
      `name: "${'a'.repeat(25)}" is longer than 24 characters`,
    ],
    ['bad region', { region: 'europe' }, 'region: "europe" is not an AWS region'],
    [
      'open ssh',
      { operatorCidr: '0.0.0.0/0' },
      'operatorCidr: "0.0.0.0/0" opens SSH to the whole internet',
    ],
    [
      'not a cidr',
      { operatorCidr: '203.0.113.7' },
      'operatorCidr: "203.0.113.7" is not an IPv4 CIDR',
    ],
    [
      'cidr host bits',
      { operatorCidr: '10.1.2.3/8' },
      'operatorCidr: "10.1.2.3/8" has host bits set',
    ],
    [
      'octet too big',
      { operatorCidr: '300.1.2.3/32' },
      'operatorCidr: "300.1.2.3/32" is not an IPv4 CIDR',
    ],
    [
      'retention too low',
      { stream: { retentionHours: 12 } },
      'stream.retentionHours: 12 is out of range 24..8760 hours',
    ],
    [
      'retention too high',
      { stream: { retentionHours: 9000 } },
      'stream.retentionHours: 9000 is out of range 24..8760',
    ],
    [
      'shards with on-demand',
      { stream: { mode: 'on-demand', shards: 2 } },
      'stream.shards: 2 cannot be set with mode "on-demand"',
    ],
    [
      'bad stream mode',
      { stream: { mode: 'fast' } },
      'stream.mode: "fast" is not one of "provisioned", "on-demand"',
    ],
    ['fractional shards', { stream: { shards: 1.5 } }, 'stream.shards: 1.5 is not a whole number'],
    [
      'buffer seconds',
      { delivery: { bufferSeconds: 901 } },
      'delivery.bufferSeconds: 901 is out of range 0..900 seconds',
    ],
    [
      'buffer MiB',
      { delivery: { bufferMiB: 0 } },
      'delivery.bufferMiB: 0 is out of range 1..128 MiB',
    ],
    [
      'compression',
      { delivery: { compression: 'gzip' } },
      'delivery.compression: "gzip" is not one of "GZIP"',
    ],
    [
      'producer source',
      { producer: { source: 'twitter' } },
      'producer.source: "twitter" is not one of "bluesky", "x"',
    ],
    [
      'hashtag',
      { producer: { hashtag: '#covid 19' } },
      'producer.hashtag: "#covid 19" is not a hashtag',
    ],
    ['rate', { producer: { rate: 0 } }, 'producer.rate: 0 must be greater than 0'],
    ['ubuntu', { ubuntu: '20.04' }, 'ubuntu: "20.04" is not one of "22.04", "24.04"'],
    [
      'instance type',
      { instanceType: 'micro' },
      'instanceType: "micro" is not an EC2 instance type',
    ],
    [
      'search enabled type',
      { search: { enabled: 'yes' } },
      'search.enabled: must be true or false',
    ],
    [
      'search instance type',
      { search: { instanceType: 't3.small' } },
      'search.instanceType: "t3.small" is not an OpenSearch instance type',
    ],
    [
      'search with a compression the indexer cannot read',
      { search: { enabled: true }, delivery: { compression: 'Snappy' } },
      'delivery.compression: "Snappy" cannot be read by the search indexer (search.enabled: true); use "GZIP" or "UNCOMPRESSED"',
    ],
    [
      'search with ZIP',
      { search: { enabled: true }, delivery: { compression: 'ZIP' } },
      'delivery.compression: "ZIP" cannot be read by the search indexer',
    ],
    [
      'waiver rule',
      { policy: { waivers: [{ rule: 'SSH', resource: 'x', reason: 'a good reason' }] } },
      'policy.waivers[0].rule: "SSH" is not a rule id',
    ],
    [
      'waiver reason',
      { policy: { waivers: [{ rule: 'CKV_AWS_24', resource: 'x', reason: 'because' }] } },
      'policy.waivers[0].reason: "because" is too short',
    ],
    [
      'unknown top-level key',
      { studnets: ['a'] },
      'studnets: unknown key (did you mean "students"?)',
    ],
    [
      'unknown nested key',
      { stream: { shard: 2 } },
      'stream.shard: unknown key (did you mean "shards"?)',
    ],
  ];

  it.each(cases)('%s', (_label, patch, expected) => {
    const problems = problemsOf({ ...base, ...patch });
    expect(problems.join('\n')).toContain(expected);
  });

  it.each(['GZIP', 'UNCOMPRESSED'])('accepts search with %s delivery', (compression) => {
    const c = parseConfig({ ...base, search: { enabled: true }, delivery: { compression } });
    expect(c.search.enabled).toBe(true);
  });

  it('accepts any compression while search is disabled', () => {
    expect(parseConfig({ ...base, delivery: { compression: 'Snappy' } }).delivery.compression).toBe(
      'Snappy',
    );
  });

  it('reports a missing required key', () => {
    expect(problemsOf({ region: 'us-east-1', operatorCidr: '203.0.113.7/32' })).toContain(
      'name: is required',
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ ...base, name: 'X', region: 'x', delivery: { bufferMiB: 500 } });
    expect(problems).toHaveLength(3);
  });

  it('rejects a non-mapping document', () => {
    expect(problemsOf(['a'])[0]).toContain('(top level): must be a mapping');
  });
});

describe('config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-config-'));

  it('loads YAML and JSON', () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      'name: demo\nregion: eu-west-1\noperatorCidr: 198.51.100.0/24\n',
    );
    writeFileSync(join(dir, 'a.json'), JSON.stringify(base));
    expect(loadConfig(join(dir, 'a.yaml')).region).toBe('eu-west-1');
    expect(loadConfig(join(dir, 'a.json')).name).toBe('demo');
  });

  it('names a missing file and how to make one', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/no such file.*streamlab init/);
  });

  it('rejects duplicate YAML keys', () => {
    expect(() => parseConfigText('name: a\nname: b\n', 'dup.yaml')).toThrow(/not valid YAML/);
  });

  it('rejects broken JSON', () => {
    expect(() => parseConfigText('{"name": ', 'x.json')).toThrow(/not valid JSON/);
  });

  it('accepts the shipped example', () => {
    expect(loadConfig(join(__dirname, '../../../streamlab.example.yaml')).name).toBe('bigdata-lab');
  });
});
