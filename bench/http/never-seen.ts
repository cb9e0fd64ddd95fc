/**
 * The real mix, every query made unique without changing what it asks or the size of its answer:
 * variant v of a query percent-encodes the letters of its values picked by the bits of v (`genre=Drama`,
 * `genre=%44rama`, `genre=D%72ama`…), which the parser decodes back to the same query while the
 * response cache, keyed by the raw query string, has never seen it. Up to 250 variants of each of the
 * 3,000 queries (fewer for queries with few letters), shuffled the same way every run.
 */
export function neverSeen(paths: readonly string[], variants = 250): string[] {
  const out = new Set<string>();
  for (let v = 0; v < variants; v++) {
    for (const path of paths) out.add(variant(path, v));
  }
  const list = [...out];
  let seed = 42;
  for (let i = list.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [list[i], list[j]] = [list[j] as string, list[i] as string];
  }
  return list;
}

function variant(path: string, v: number): string {
  let bit = 0;
  let inValue = false;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === '%') {
      // An escape already in the mix (`%C3%A9`) is copied as it is.
      out += path.slice(i, i + 3);
      i += 2;
      continue;
    }
    if (ch === '=') inValue = true;
    else if (ch === '&') inValue = false;
    const encode = inValue && /[A-Za-z]/.test(ch) && ((v >> bit++) & 1) === 1;
    out += encode ? `%${ch.charCodeAt(0).toString(16).toUpperCase()}` : ch;
  }
  return out;
}
