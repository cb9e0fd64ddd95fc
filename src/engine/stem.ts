/**
 * Light stemming for the extract tier (extract-tier.ts): steps 1a–1c of Porter's algorithm, which
 * fold plurals and `-ed`/`-ing` (`chasers` → `chaser`, `hijacked` → `hijack`, `hopping` → `hop`,
 * `ponies` and `pony` → `poni`), and nothing more: the later steps strip `-ation`,
 * `-ness`, `-ful` and so on, which merge words a plot query means apart. Only words of ASCII letters
 * are stemmed; numbers and words with other letters are their own stem. The index and the query
 * stem alike, so the stems need not be words.
 */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  let w = step1a(word);
  w = step1b(w);
  return step1c(w);
}

/** Plurals: `sses` → `ss`, `ies` → `i`, a final `s` dropped unless it follows another `s`. */
function step1a(w: string): string {
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies')) return w.slice(0, -2);
  if (w.endsWith('ss')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

/** `-eed` → `-ee` after a syllable; `-ed` and `-ing` dropped after a vowel, then the stem tidied. */
function step1b(w: string): string {
  if (w.endsWith('eed')) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  let base: string | undefined;
  if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) base = w.slice(0, -2);
  else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) base = w.slice(0, -3);
  if (base === undefined) return w;
  if (base.endsWith('at') || base.endsWith('bl') || base.endsWith('iz')) return `${base}e`;
  const last = base.charAt(base.length - 1);
  // A double consonant (both letters consonants: of `yy`, one always counts as a vowel) is made single but for l, s and z.
  const doubled = base.length >= 2 && last === base.charAt(base.length - 2);
  if (doubled && isConsonant(base, base.length - 1) && isConsonant(base, base.length - 2) && !'lsz'.includes(last))
    return base.slice(0, -1);
  if (measure(base) === 1 && endsCvc(base)) return `${base}e`;
  return base;
}

/** A final `y` after a vowel-bearing stem becomes `i`, so `fly` meets `flies`. */
function step1c(w: string): string {
  return w.endsWith('y') && hasVowel(w.slice(0, -1)) ? `${w.slice(0, -1)}i` : w;
}

/** Porter's consonant: not a, e, i, o, u, and `y` only after a vowel (or first). */
function isConsonant(w: string, i: number): boolean {
  const c = w.charAt(i);
  if ('aeiou'.includes(c)) return false;
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** Porter's m: the number of vowel-then-consonant sequences, [C](VC)^m[V]. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && isConsonant(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && !isConsonant(w, i)) i++;
    if (i >= w.length) break;
    while (i < w.length && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

/** Ends consonant, vowel, consonant, the last not w, x or y (`hop`, not `snow`): such a stem lost an `e` (`hoping` → `hope`). */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  return isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) && !'wxy'.includes(w.charAt(n - 1));
}
