import { BM25_B, BM25_K1 } from './limits.js';

/**
 * Okapi BM25, the extract tier's score (extract-tier.ts): for each query term the movie's extract
 * has, the term's rarity (idf) times its frequency, saturating (k1) and relative to the extract's
 * length (b). The score depends on the whole collection (how many documents, how many have each
 * term, their average length), so it takes those statistics from its caller instead of reading
 * them from one segment: a catalogue of several segments (a base and its deltas) must supply the
 * catalogue-wide figures, or the same movie would score differently by where it is stored, and
 * scores from different segments could not be merged.
 */
export interface CollectionStatistics {
  /** Documents in the collection: movies with an extract. */
  readonly documents: number;
  /** Their average length in indexed words. */
  readonly averageLength: number;
  /** Documents that have the term (a stem, as the index stores it). */
  documentFrequency(term: string): number;
}

/** A term's rarity: BM25's idf with the +1 that keeps it positive for terms in over half the documents. */
export function inverseDocumentFrequency(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** One term's contribution: its idf, times its frequency in the document saturated and normalised by the document's length. */
export function termScore(idf: number, frequency: number, length: number, averageLength: number): number {
  return idf * ((frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength)));
}

/**
 * The share of the query's weight a document covers: the idf of the query's terms it has over the
 * idf of all of them. A score is BM25 times this share, so that an extract with more of the query's
 * words (the rare ones counting most) beats one that repeats a single word: BM25 alone saturates a
 * word's frequency but still lets one word in a short extract outscore three in a longer one, which
 * is what a plot query of many words most often means. The idf of every query term, whether or not
 * a segment has it, is read from the collection's statistics, so the share is the same in every segment.
 */
export function coveredScore(score: number, coveredIdf: number, queryIdf: number): number {
  return (score * coveredIdf) / queryIdf;
}

/** The most one term can add to a score, whatever the document: the bound that lets a search skip documents that cannot make the page. */
export function termScoreBound(idf: number): number {
  return idf * (BM25_K1 + 1);
}
