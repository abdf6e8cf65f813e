import { mapWithLimit } from '../../../../provisioning/engine/bounded';

describe('mapWithLimit', () => {
  it('keeps input order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithLimit([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    expect(most).toBe(2);
  });

  it('treats a limit below 1 as 1 and an empty list as nothing to do', async () => {
    let most = 0;
    let inFlight = 0;
    await mapWithLimit([1, 2, 3], 0, async () => {
      most = Math.max(most, ++inFlight);
      await Promise.resolve();
      inFlight--;
    });
    expect(most).toBe(1);
    expect(await mapWithLimit([], 4, async () => 1)).toEqual([]);
  });
});
