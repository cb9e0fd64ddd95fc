import { words } from '../../catalogue/words.js';
import type { ExtractIndex } from '../index-data.js';
import { MAX_EXTRACT_LENGTH, MAX_TERM_FREQUENCY } from '../limits.js';
import { stem } from '../stem.js';
import { isStopWord } from '../stop-words.js';
import { IntList, stringTable } from './buffers.js';
import { CountingSort } from './counting-sort.js';
import { sortTerms } from './terms.js';

/** The indexed words of an extract: its words less the stop words, stemmed (the query side does the same: extract-tier.ts). */
export function extractTerms(extract: string): string[] {
  const out: string[] = [];
  for (const word of words(extract)) if (!isStopWord(word)) out.push(stem(word));
  return out;
}

/**
 * The extract tier's postings: for each stem, the movies whose extract has it and how often, and
 * each movie's extract length, for BM25 (bm25.ts). Movies come in rank order, so each list ascends.
 */
export class ExtractCollector {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly pairTerms: IntList;
  private readonly pairRanks: IntList;
  private readonly pairFrequencies: IntList;
  private readonly lengths: Uint16Array;
  private documents = 0;
  private totalLength = 0;

  constructor(size: number, capacity: number) {
    this.lengths = new Uint16Array(size);
    this.pairTerms = new IntList(capacity);
    this.pairRanks = new IntList(capacity);
    this.pairFrequencies = new IntList(capacity);
  }

  add(rank: number, extract: string | undefined): void {
    if (extract === undefined) return;
    const terms = extractTerms(extract);
    if (terms.length === 0) return;
    const counts = new Map<number, number>();
    for (const term of terms) {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.names.length;
        this.ids.set(term, id);
        this.names.push(term);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, n] of counts) {
      this.pairTerms.push(id);
      this.pairRanks.push(rank);
      this.pairFrequencies.push(Math.min(n, MAX_TERM_FREQUENCY));
    }
    const length = Math.min(terms.length, MAX_EXTRACT_LENGTH);
    this.lengths[rank] = length;
    this.documents++;
    this.totalLength += length;
  }

  finish(): ExtractIndex {
    const { newId, sorted } = sortTerms(this.names);
    const { pairTerms, pairRanks, pairFrequencies } = this;
    const counts = new Uint32Array(sorted.length);
    for (let i = 0; i < pairTerms.length; i++) {
      const t = newId[pairTerms.values[i] as number] as number;
      counts[t] = (counts[t] as number) + 1;
    }
    // Pairs are placed by their index, then read back as (rank, frequency): one counting sort for both.
    const byTerm = new CountingSort(counts);
    for (let i = 0; i < pairTerms.length; i++) byTerm.place(newId[pairTerms.values[i] as number] as number, i);
    const { offsets, values } = byTerm.postings();
    const frequencies = new Uint8Array(values.length);
    for (let j = 0; j < values.length; j++) {
      const pair = values[j] as number;
      frequencies[j] = pairFrequencies.values[pair] as number;
      values[j] = pairRanks.values[pair] as number;
    }
    return {
      terms: stringTable(sorted),
      postings: { offsets, values },
      frequencies,
      lengths: this.lengths,
      documents: this.documents,
      totalLength: this.totalLength,
    };
  }
}
