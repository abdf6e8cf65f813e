import { documentationRangeOf, operatorCidrWarning } from '../../../config/documentation-ranges';

describe('documentation address ranges (operatorCidr left at the example)', () => {
  it.each([
    ['203.0.113.7/32', '203.0.113.0/24'],
    ['192.0.2.0/24', '192.0.2.0/24'],
    ['198.51.100.200/32', '198.51.100.0/24'],
    ['2001:db8::1/128', '2001:db8::/32'],
  ])('%s is in %s', (cidr, range) => {
    expect(documentationRangeOf(cidr)).toBe(range);
    expect(operatorCidrWarning(cidr)).toContain(
      `in ${range}, an address range reserved for documentation`,
    );
  });

  it.each(['10.20.30.0/24', '203.0.114.1/32', '198.51.101.0/24', '2001:db9::1/128', '0.0.0.0/0'])(
    '%s is not',
    (cidr) => {
      expect(documentationRangeOf(cidr)).toBeUndefined();
      expect(operatorCidrWarning(cidr)).toBeUndefined();
    },
  );
});
