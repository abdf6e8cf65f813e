import { tablesListing } from '../../../testhost/host-filter';

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
