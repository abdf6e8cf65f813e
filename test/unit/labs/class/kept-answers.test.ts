import { KeptAnswers } from '../../../../labs/class/kept-answers';

/** A measurement that answers 1, 2, 3… and says how often it ran. */
function counter() {
  let n = 0;
  const measure = jest.fn(async () => ++n);
  return measure;
}

describe('KeptAnswers', () => {
  it('measures every time with maxAgeMs 0 (a one-shot check)', async () => {
    const kept = new KeptAnswers<number>(0);
    const measure = counter();
    await expect(kept.get('a', measure)).resolves.toBe(1);
    await expect(kept.get('a', measure)).resolves.toBe(2);
  });

  it('reuses an answer while it is young, then serves it while measuring again', async () => {
    const kept = new KeptAnswers<number>(10_000);
    const measure = counter();
    const t0 = Date.now();
    await expect(kept.get('a', measure, t0)).resolves.toBe(1);
    await expect(kept.get('a', measure, t0 + 5_000)).resolves.toBe(1);
    expect(measure).toHaveBeenCalledTimes(1);
    // Old: the kept answer now, the new one in the background.
    await expect(kept.get('a', measure, t0 + 20_000)).resolves.toBe(1);
    await kept.settled();
    expect(measure).toHaveBeenCalledTimes(2);
    await expect(kept.get('a', measure)).resolves.toBe(2);
  });

  it('never runs two measurements of one key at once', async () => {
    const kept = new KeptAnswers<number>(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const measure = jest.fn(async () => {
      await gate;
      return 7;
    });
    const both = Promise.all([kept.get('a', measure), kept.get('a', measure)]);
    release();
    await expect(both).resolves.toEqual([7, 7]);
    expect(measure).toHaveBeenCalledTimes(1);
  });

  it('keeps the old answer when a background measurement fails', async () => {
    const kept = new KeptAnswers<number>(1_000);
    const t0 = Date.now();
    await kept.get('a', async () => 1, t0);
    await expect(
      kept.get('a', () => Promise.reject(new Error('ssh timed out')), t0 + 5_000),
    ).resolves.toBe(1);
    await kept.settled();
    await expect(kept.get('a', async () => 3, t0 + 500)).resolves.toBe(1);
  });

  it('rethrows when there is no answer to fall back on', async () => {
    const kept = new KeptAnswers<number>(1_000);
    await expect(kept.get('a', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });
});
