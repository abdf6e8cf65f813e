import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namespaceSlots, slotHeldByAnother } from '../../../testhost/netns';

describe('namespaceSlots', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'netns-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("counts every streamlab namespace's slot, whichever run dir made it", () => {
    for (const f of ['streamlab-3-student01', 'streamlab-12-a-b', 'other-4-x', 'streamlab-x-y'])
      writeFileSync(join(dir, f), '');
    expect(namespaceSlots(dir).sort((a, b) => a - b)).toEqual([3, 12]);
  });

  it('is empty when the machine has no namespace directory yet', () => {
    expect(namespaceSlots(join(dir, 'missing'))).toEqual([]);
    mkdirSync(join(dir, 'empty'));
    expect(namespaceSlots(join(dir, 'empty'))).toEqual([]);
  });

  it("leaves a slot's veth alone once another host's namespace holds that slot", () => {
    const link = { netns: 'streamlab-3-ana', veth: 'slh3' };
    writeFileSync(join(dir, 'streamlab-30-bruno'), '');
    writeFileSync(join(dir, 'streamlab-3-ana'), '');
    expect(slotHeldByAnother(link, dir)).toBe(false);
    writeFileSync(join(dir, 'streamlab-3-carla'), '');
    expect(slotHeldByAnother(link, dir)).toBe(true);
  });
});
