/** The content codings cinedex writes; identity is the answer as it is. */
export type Encoding = 'br' | 'gzip' | 'identity';

/** Ties go to the smaller answer: br, then gzip, then identity. */
const PREFERENCE: readonly Encoding[] = ['br', 'gzip', 'identity'];

/** Distinct Accept-Encoding values remembered: clients send a handful (each browser and library its own), so a hit parses nothing. */
const REMEMBERED = 64;
const UNLISTED_IDENTITY = 0.0001;
const remembered = new Map<string, Encoding>();

/**
 * The coding to answer in, from the request's `Accept-Encoding` (RFC 9110 §12.5.3), with its q-values:
 * a coding listed with q=0 is refused (`br;q=0`), `*` stands for every coding not listed, and identity
 * is acceptable unless refused by name or by `*;q=0`. No header (or an empty one) asks for identity. When
 * nothing is acceptable the answer goes uncompressed, as §12.5.3 advises, rather than as a 406.
 */
export function negotiateEncoding(header: string | undefined): Encoding {
  if (header === undefined || header === '') return 'identity';
  let known = remembered.get(header);
  if (known === undefined) {
    known = parse(header);
    if (remembered.size >= REMEMBERED) remembered.clear();
    remembered.set(header, known);
  }
  return known;
}

function parse(header: string): Encoding {
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    let coding = name.trim().toLowerCase();
    if (coding === '') continue;
    if (coding === 'x-gzip') coding = 'gzip';
    let weight = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() !== 'q') continue;
      const v = value.trim();
      // RFC 9110 §12.4.2: 0 to 1, at most three decimals; anything else is not a weight, and the entry is ignored.
      weight = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(v) ? Number(v) : NaN;
    }
    if (Number.isNaN(weight)) continue;
    // Listed twice: the higher weight stands.
    q.set(coding, Math.max(q.get(coding) ?? 0, weight));
  }
  const star = q.get('*');
  // Identity not listed is acceptable but never preferred to a coding the client named (below any q it can write).
  const weightOf = (coding: Encoding): number => q.get(coding) ?? star ?? (coding === 'identity' ? UNLISTED_IDENTITY : 0);
  let best: Encoding = 'identity';
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    const w = weightOf(coding);
    if (w > bestWeight) {
      best = coding;
      bestWeight = w;
    }
  }
  return best;
}
