/**
 * A run's pending inbox objects cut into batches of at most `maxBytes` each (by the sizes the listing
 * or the notification gave), in the order given; an object larger than the bound is a batch of its own.
 * Each batch is read, merged and published as a version before the next is read, so a run holds at
 * most one batch of parsed records whatever the backlog (an ingester back after a weekend away, a
 * provider's bulk drop), and a crash between batches leaves the earlier ones published. The cut is
 * greedy over the objects still pending, so a rerun after such a crash cuts the rest as the first run did.
 */
export function runBatches<T>(pending: readonly T[], sizeOf: (object: T) => number, maxBytes: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const object of pending) {
    const size = sizeOf(object);
    if (batch.length > 0 && bytes + size > maxBytes) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(object);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
