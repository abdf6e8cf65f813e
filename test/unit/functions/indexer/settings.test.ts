import { checkIndexName, readSettings } from '../../../../functions/indexer/settings';

const base = {
  OPENSEARCH_ENDPOINT: 'search-lab-abc.eu-west-1.es.amazonaws.com',
  AWS_REGION: 'eu-west-1',
};

describe('readSettings', () => {
  it('adds https to the bare domain endpoint and defaults the index to "posts"', () => {
    const s = readSettings(base);
    expect(s.endpoint.href).toBe('https://search-lab-abc.eu-west-1.es.amazonaws.com/');
    expect(s).toMatchObject({ index: 'posts', region: 'eu-west-1' });
  });

  it('takes INDEX_NAME, an http endpoint with a port, and AWS_DEFAULT_REGION', () => {
    const s = readSettings({
      OPENSEARCH_ENDPOINT: 'http://127.0.0.1:9200',
      INDEX_NAME: 'lab-posts',
      AWS_DEFAULT_REGION: 'us-gov-west-1',
    });
    expect([s.endpoint.host, s.index, s.region]).toEqual([
      '127.0.0.1:9200',
      'lab-posts',
      'us-gov-west-1',
    ]);
  });

  it('reports every problem at once, naming the variable and its value', () => {
    expect(() => readSettings({ INDEX_NAME: '_Posts', AWS_REGION: 'Europe' })).toThrow(
      'indexer misconfigured:\n' +
        '  OPENSEARCH_ENDPOINT: not set (the domain endpoint, e.g. "search-lab-abc.us-east-1.es.amazonaws.com")\n' +
        '  INDEX_NAME: "_Posts" must be lowercase\n' +
        '  AWS_REGION: "Europe" is not an AWS region such as "us-east-1"',
    );
  });

  it.each([
    ['ftp://example.com', /must use https/],
    ['https://user:pw@example.com', /without credentials/],
    ['https://exa mple.com', /is not a URL or host name/],
  ])('rejects endpoint %s', (endpoint, message) => {
    expect(() => readSettings({ ...base, OPENSEARCH_ENDPOINT: endpoint })).toThrow(message);
  });

  it('never echoes credentials from the endpoint', () => {
    expect(() =>
      readSettings({ ...base, OPENSEARCH_ENDPOINT: 'https://user:s3cret@example.com' }),
    ).toThrow(/^(?![\s\S]*s3cret)/);
  });
});

describe('checkIndexName', () => {
  it.each([
    ['posts', undefined],
    ['lab-1.posts_2026', undefined],
    ['Posts', 'must be lowercase'],
    ['my posts', 'must not contain'],
    ['a:b', 'must not contain'],
    ['-x', 'must not start with'],
    ['..', 'is reserved'],
    ['x'.repeat(256), 'is longer than 255 bytes'],
  ])('%s', (name, problem) => {
    const found = checkIndexName(name);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
