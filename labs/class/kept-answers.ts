/**
 * Answers kept between a monitor's rounds, by key: a slow or charged measurement (an SSH
 * login, an S3 listing, a CloudWatch query) is reused for `maxAgeMs`, then measured again
 * in the background while the old answer is still served, so a host that takes seconds to
 * time out never holds up the other numbers. The first answer of a key is awaited; with
 * maxAgeMs 0 every answer is (a one-shot `streamlab check` measures everything fresh).
 */
export class KeptAnswers<T> {
  private readonly kept = new Map<string, { value: T; at: number }>();
  private readonly running = new Map<string, Promise<T>>();

  constructor(private readonly maxAgeMs: number) {}

  async get(key: string, measure: () => Promise<T>, now = Date.now()): Promise<T> {
    const kept = this.kept.get(key);
    if (kept && now - kept.at < this.maxAgeMs) return kept.value;
    const refresh = this.running.get(key) ?? this.start(key, measure);
    return kept && this.maxAgeMs > 0 ? kept.value : refresh;
  }

  private start(key: string, measure: () => Promise<T>): Promise<T> {
    const run = measure()
      .then((value) => {
        this.kept.set(key, { value, at: Date.now() });
        return value;
      })
      .finally(() => this.running.delete(key));
    // A background refresh that fails keeps the old answer; the awaited one rethrows.
    run.catch(() => undefined);
    this.running.set(key, run);
    return run;
  }

  /** Resolves once no measurement is running (a monitor closing its clients waits for this). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
