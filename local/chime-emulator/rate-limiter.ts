/**
 * Per-operation token buckets for the Chime SDK Meetings emulator (a local test double of the AWS service).
 *
 * The service documents 10 requests per second per API with a burst of 20 (chime-facts.md §2). A bucket
 * holds up to `burst` tokens and refills at `ratePerSecond`; a call that finds it empty is answered 429.
 * Time comes from the emulator's injected clock, so a test with a frozen clock gets an exact, repeatable
 * count of admitted calls, and moving the clock forward refills the buckets.
 */

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError('rateLimit needs ratePerSecond > 0 and burst >= 1');
    }
  }

  /** Takes one token for `key` (an operation name), or says how long until one is available. */
  take(key: string): TakeResult {
    const at = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.limit.burst, updatedAt: at };
    // A test clock may be moved backwards; never let that drain a bucket.
    const elapsedSeconds = Math.max(0, at - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.ratePerSecond);
    bucket.updatedAt = at;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Retry-After is whole seconds; round up so that a caller honouring it finds a token.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.ratePerSecond));
    return { allowed: false, retryAfterSeconds };
  }
}
