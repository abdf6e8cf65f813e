import { hostFilterScript, tablesListing } from '../../../testhost/host-filter';

/** `nft -j list sets inet` as nftables 1.0.6 prints it. */
function nftSets(...sets: object[]): string {
  return JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      ...sets.map((set) => ({ set })),
    ],
  });
}

describe('tablesListing: which run dirs’ tables still name an interface', () => {
  it('names our tables whose host set lists the interface, and no other', () => {
    const json = nftSets(
      { family: 'inet', name: 'hosts', table: 'streamlab_0123456789ab', elem: ['slh1', 'slh4'] },
      { family: 'inet', name: 'hosts', table: 'streamlab_ba9876543210', elem: ['slh2'] },
      // Not ours: another program's table with a set of the same name and member.
      { family: 'inet', name: 'hosts', table: 'firewalld', elem: ['slh4'] },
      // Ours, but another set.
      { family: 'inet', name: 'other', table: 'streamlab_cccccccccccc', elem: ['slh4'] },
    );
    expect(tablesListing(json, 'slh4')).toEqual(['streamlab_0123456789ab']);
    expect(tablesListing(json, 'slh2')).toEqual(['streamlab_ba9876543210']);
    expect(tablesListing(json, 'slh9')).toEqual([]);
  });

  it('reads a machine with no sets (an empty set has no elem at all)', () => {
    expect(tablesListing(nftSets(), 'slh1')).toEqual([]);
    expect(
      tablesListing(
        nftSets({ family: 'inet', name: 'hosts', table: 'streamlab_0123456789ab' }),
        'slh1',
      ),
    ).toEqual([]);
  });
});

describe('hostFilterScript: ports every host may open, and ports one host alone may open', () => {
  const spec = {
    interfaces: ['slh1', 'slh2'],
    serviceAddress: '10.200.250.1',
    ports: [3142],
  };

  it("pairs each own port with its host's veth, matched on the interface the packet came in on", () => {
    const script = hostFilterScript('streamlab_0123456789ab', {
      ...spec,
      ownPorts: new Map([
        ['slh1', 40001],
        ['slh2', 40002],
      ]),
    });
    expect(script).toContain('elements = { "slh1" . 40001, "slh2" . 40002 }');
    expect(script).toContain('ip daddr 10.200.250.1 tcp dport { 3142 } accept');
    expect(script).toContain('ip daddr 10.200.250.1 iifname . tcp dport @own_ports accept');
    // The drop comes after every accept.
    expect(script.indexOf('counter drop')).toBeGreaterThan(script.indexOf('@own_ports accept'));
  });

  it('declares an empty own-port set without elements (nft refuses an empty list)', () => {
    expect(hostFilterScript('streamlab_0123456789ab', spec)).not.toMatch(/elements = \{ \}/);
  });

  it('refuses an own port or interface that is not one', () => {
    const bad = (ownPorts: Map<string, number>) => () =>
      hostFilterScript('streamlab_0123456789ab', { ...spec, ownPorts });
    expect(bad(new Map([['slh1', 0]]))).toThrow('not a port: 0');
    expect(bad(new Map([['slh1" . 22, "slh2', 1]]))).toThrow(/^not an interface name/);
  });
});
