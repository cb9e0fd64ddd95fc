/**
 * Per-client token buckets: `ratePerSecond` tokens refill continuously up to `burst`; a request
 * takes one. Pure: the caller passes the time, so tests need no clock.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    /** Buckets idle long enough to be full again are forgotten, which bounds memory. */
    private readonly maxClients = 100_000,
  ) {}

  /** 0 when allowed (and a token is taken), else the seconds until the next token. */
  take(client: string, nowMs: number): number {
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.forgetFull(nowMs);
      bucket = { tokens: this.burst, at: nowMs };
      this.buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.ratePerSecond;
  }

  private forgetFull(nowMs: number): void {
    const fullAfterMs = (this.burst / this.ratePerSecond) * 1000;
    for (const [client, bucket] of this.buckets) if (nowMs - bucket.at >= fullAfterMs) this.buckets.delete(client);
    // Still full of active clients: drop the oldest rather than grow without bound.
    if (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}
