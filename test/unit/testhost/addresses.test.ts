import { cidrRange, overlaps, pickSlot, slotAddresses } from '../../../testhost/addresses';

describe('test host address allocation', () => {
  it('gives slot I the /30 10.200.I.0: gateway .1, host .2', () => {
    expect(slotAddresses(7)).toEqual({
      slot: 7,
      gateway: '10.200.7.1',
      address: '10.200.7.2',
      prefix: 30,
    });
  });

  it('takes the lowest slot nobody holds', () => {
    expect(pickSlot([], [])).toBe(1);
    expect(pickSlot([1, 2, 4], [])).toBe(3);
  });

  it('skips slots that overlap a route or address on the machine', () => {
    expect(pickSlot([], ['10.200.1.0/24', '10.200.2.1/30'])).toBe(3);
    // a wider route (e.g. a VPN's 10.200.0.0/22) covers slots 0..3
    expect(pickSlot([], ['10.200.0.0/22'])).toBe(4);
    // a bare host route is a /32
    expect(pickSlot([], ['10.200.1.2'])).toBe(2);
  });

  it('ignores routes elsewhere and the default route', () => {
    expect(pickSlot([], ['default', '192.0.2.0/24', '10.201.1.0/24', 'fe80::/64'])).toBe(1);
  });

  it('fails with a clear message when every slot is taken', () => {
    expect(() => pickSlot([], ['10.200.0.0/16'])).toThrow(/no free 10\.200\.I\.0\/30 link left/);
  });

  it('computes network ranges and overlaps', () => {
    expect(cidrRange('10.200.3.5/30')).toEqual([
      (10 << 24) + (200 << 16) + (3 << 8) + 4,
      (10 << 24) + (200 << 16) + (3 << 8) + 7,
    ]);
    expect(cidrRange('0.0.0.0/0')).toEqual([0, 0xffffffff]);
    expect(overlaps('10.200.3.0/30', '10.200.3.4/30')).toBe(false);
    expect(overlaps('10.200.3.0/30', '10.200.3.3')).toBe(true);
    expect(cidrRange('not-an-address')).toBeUndefined();
  });
});
