/**
 * Exponential backoff with full jitter: attempt n waits a random time in
 * [0, min(cap, base·2^(n-1))], which spreads retries from concurrent Lambdas instead of
 * having them hit a busy domain again in lockstep.
 */

export interface RetryPolicy {
  /** Total tries of a bulk request, the first one included. @default 6 */
  readonly maxAttempts: number;
  /** @default 200 */
  readonly baseDelayMs: number;
  /** @default 10000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Delay before retry number `retry` (1 = first retry). */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
