/** The search domain's name (stable, within OpenSearch's limits) and its guard. */
import { MAX_NAME_LENGTH } from '../../../../config/schema';
import {
  MAX_DOMAIN_NAME_LENGTH,
  SearchDomain,
  searchDomainName,
} from '../../../../stacks/constructs/search-domain';
import { bareStack } from '../../../support/bare-stack';

const aws = { account: '123456789012', partition: 'aws', region: 'us-east-1' };

describe('domain name', () => {
  it('is "<lab>-search" while that fits in 28 characters', () => {
    expect(searchDomainName('bigdata-lab')).toBe('bigdata-lab-search');
    expect(searchDomainName('a'.repeat(21))).toBe(`${'a'.repeat(21)}-search`);
  });

  it('stays within 28 characters, lowercase and stable at the longest lab name', () => {
    const longest = 'x'.repeat(MAX_NAME_LENGTH);
    const name = searchDomainName(longest);
    expect(name.length).toBeLessThanOrEqual(MAX_DOMAIN_NAME_LENGTH);
    expect(name).toMatch(/^[a-z][a-z0-9-]{2,27}$/);
    expect(searchDomainName(longest)).toBe(name);
    // Two long names that share their first 21 characters still get different domains.
    expect(searchDomainName(`${'x'.repeat(21)}-ab`)).not.toBe(
      searchDomainName(`${'x'.repeat(21)}-cd`),
    );
  });

  it('does not end the cut-short part with a hyphen', () => {
    expect(searchDomainName(`${'a'.repeat(20)}-bcd`)).toMatch(/^a{20}-[0-9a-f]{6}$/);
  });

  it('refuses a domain name OpenSearch would reject', () => {
    expect(
      () => new SearchDomain(bareStack(), 'D', { domainName: 'Lab_Search', kmsKeyArn: 'k', aws }),
    ).toThrow(/domain name "Lab_Search" must be 3\.\.28 characters/);
  });
});
