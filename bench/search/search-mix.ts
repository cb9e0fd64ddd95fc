/**
 * A generated mix of `q` queries over a catalogue, the way people type into a search box: a title
 * typed up to some character (search as you type), a title with one typo in a long word, a title
 * word with a cast surname, a cast name. Seeded, so every run times the same queries.
 */
import type { Movie } from '../../src/catalogue/movie.js';
import { words } from '../../src/catalogue/words.js';
import { prng } from '../lib/random.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One typo of a random kind at a random place: what issue 10 counts as one. */
function misspell(word: string, random: () => number): string {
  const chars = [...word];
  const at = Math.floor(random() * chars.length);
  const letter = LETTERS[Math.floor(random() * LETTERS.length)] as string;
  switch (Math.floor(random() * 4)) {
    case 0:
      if (at + 1 < chars.length) chars.splice(at, 2, chars[at + 1] as string, chars[at] as string);
      break;
    case 1:
      chars.splice(at, 0, letter);
      break;
    case 2:
      chars.splice(at, 1);
      break;
    default:
      chars[at] = letter;
  }
  return chars.join('');
}

export type MixKind = 'typing' | 'typo' | 'title+cast' | 'cast';

export interface MixQuery {
  readonly kind: MixKind;
  readonly q: string;
}

/** `count` queries over `movies`, a quarter of each kind (movies without cast give a typed title instead). */
export function searchMix(movies: readonly Movie[], count: number, seed = 10): MixQuery[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: MixQuery[] = [];
  while (out.length < count) {
    const movie = pick(movies);
    const titleWords = words(movie.title);
    if (titleWords.length === 0) continue;
    const kinds: MixKind[] = movie.cast.length > 0 ? ['typing', 'typo', 'title+cast', 'cast'] : ['typing', 'typo'];
    const kind = pick(kinds);
    if (kind === 'typing') {
      const text = titleWords.join(' ');
      out.push({ kind, q: text.slice(0, 1 + Math.floor(random() * text.length)).trim() });
    } else if (kind === 'typo') {
      const long = titleWords.filter((w) => w.length >= 5);
      if (long.length === 0) continue;
      const target = pick(long);
      out.push({ kind, q: titleWords.map((w) => (w === target ? misspell(w, random) : w)).join(' ') });
    } else if (kind === 'title+cast') {
      const surname = words(pick(movie.cast)).at(-1);
      if (surname === undefined) continue;
      out.push({ kind, q: `${pick(titleWords)} ${surname}` });
    } else {
      out.push({ kind, q: pick(movie.cast) });
    }
  }
  return out;
}
