/** The search indexer's guard (built beside a domain and a lake in a bare stack). */
import { DataLake } from '../../../../stacks/constructs/data-lake';
import { SearchDomain } from '../../../../stacks/constructs/search-domain';
import { SearchIndexer } from '../../../../stacks/constructs/search-indexer';
import { bareStack } from '../../../support/bare-stack';

const aws = { account: '123456789012', partition: 'aws', region: 'us-east-1' };

describe('SearchIndexer', () => {
  it('refuses an indexer with no prefixes to index', () => {
    const s = bareStack();
    const lake = new DataLake(s, 'Lake', { namePrefix: 'g-' });
    const domain = new SearchDomain(s, 'D', { domainName: 'g-search', kmsKeyArn: 'k', aws });
    expect(
      () =>
        new SearchIndexer(s, 'I', {
          name: 'g-indexer',
          lake,
          prefixes: [],
          domain,
          kmsKeyArn: 'k',
          aws,
        }),
    ).toThrow(/no delivery prefixes/);
  });
});
