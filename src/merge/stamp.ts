/**
 * Where a value came from. Updates are ordered by the object's last-modified time, then object key,
 * then the record's position in the file: a total order, so "last writer wins" never ties and the
 * outcome does not depend on the order objects happen to be read in.
 */
export interface Stamp {
  readonly lastModified: number;
  readonly objectKey: string;
  readonly position: number;
}

export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.lastModified !== b.lastModified) return a.lastModified - b.lastModified;
  if (a.objectKey !== b.objectKey) return a.objectKey < b.objectKey ? -1 : 1;
  return a.position - b.position;
}
