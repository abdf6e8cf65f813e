/**
 * At most `limit` async calls in flight: how hosts are provisioned (forks), probed and
 * booted side by side without starting hundreds of SSH sessions or nspawn boots at once.
 */

/**
 * A queue in front of a kind of work: `run` starts the call when fewer than `limit` are in
 * flight, else when one ends. Shared by whoever starts that work at different times (the
 * class monitor's rounds and its background refreshes), where one list to map over is not.
 */
export class Gate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: number;

  /** A limit below 1 is taken as 1. */
  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (this.inFlight >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    else this.inFlight++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next caller, so inFlight stays counted for it.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }
}

/** Runs `fn` over items with at most `limit` in flight; results in input order. */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const gate = new Gate(limit);
  return Promise.all(items.map((item, i) => gate.run(() => fn(item, i))));
}
