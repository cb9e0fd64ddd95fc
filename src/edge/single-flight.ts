/**
 * Concurrent calls with the same key share one run of the work, so a burst of misses for one URL
 * costs the origin one request. The key is free again as soon as that run settles: the result is
 * not remembered here (the cache does that), and a failure is not either (the next call retries).
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** Runs in flight right now. */
  get size(): number {
    return this.flights.size;
  }

  has(key: string): boolean {
    return this.flights.has(key);
  }

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.flights.get(key);
    if (running !== undefined) return running;
    let started: Promise<T>;
    try {
      started = work();
    } catch (error) {
      // A synchronous throw is shared like a rejection, so every caller sees the same outcome.
      started = Promise.reject(error);
    }
    const flight = started.finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }
}
