/**
 * How many store calls a caller keeps in flight: each waits for its fsync (folder) or its round trip
 * (S3), so overlapping them is what makes a run of many small objects fast, and a bound keeps the
 * bytes held at once (and the sockets opened) in proportion to it rather than to the run.
 */
export const STORE_CALLS_IN_FLIGHT = 16;

/**
 * `call` over every item, at most `limit` at once, the next one starting as soon as one ends;
 * results in the items' order. After a failure no further call starts; the ones in flight are
 * awaited, then the first failure is thrown.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  call: (item: T, index: number) => Promise<R>,
  limit = STORE_CALLS_IN_FLIGHT,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const at = next++;
      try {
        out[at] = await call(items[at] as T, at);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return out;
}
