import { codePoints } from '../../catalogue/words.js';
import type { Trie } from '../index-data.js';

/** The trie of a sorted dictionary, nodes in depth-first order; see Trie. */
export function buildTrie(sorted: readonly string[]): Trie {
  const label: number[] = [0];
  const end: number[] = [0];
  const wordLo: number[] = [0];
  const wordHi: number[] = [sorted.length];
  const terminal: number[] = [0];
  const depth: number[] = [0];
  const path: number[] = [0];
  let previous: number[] = [];
  sorted.forEach((word, id) => {
    const points = codePoints(word);
    let common = 0;
    while (common < points.length && common < previous.length && points[common] === previous[common]) common++;
    while (path.length - 1 > common) {
      const node = path.pop() as number;
      end[node] = label.length;
      wordHi[node] = id;
    }
    for (let k = common; k < points.length; k++) {
      path.push(label.length);
      label.push(points[k] as number);
      end.push(0);
      wordLo.push(id);
      wordHi.push(0);
      terminal.push(0);
      depth.push(k + 1);
    }
    terminal[path[path.length - 1] as number] = 1;
    previous = points;
  });
  while (path.length > 0) {
    const node = path.pop() as number;
    end[node] = label.length;
    wordHi[node] = sorted.length;
  }
  return {
    label: Uint32Array.from(label),
    end: Uint32Array.from(end),
    wordLo: Uint32Array.from(wordLo),
    wordHi: Uint32Array.from(wordHi),
    terminal: Uint8Array.from(terminal),
    depth: Uint8Array.from(depth),
  };
}
