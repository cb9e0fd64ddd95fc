/**
 * One version of the engine-over-deltas table (deltas.ts) in a worker thread of its own (lib/isolated-engine.ts):
 * the seed's index, the version its column names, every request class warmed twice, then blocks answered until
 * the table is done. Started from another build's dist/bench, it times that build's engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { searchMovies } from '../../src/engine/search.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import type { SegmentIndex } from '../../src/engine/segment-index.js';
import { settle } from '../lib/in-process.js';
import { serveBlocks, type IsolatedData } from '../lib/isolated-engine.js';
import { loadMovies } from '../lib/workload.js';
import { requestClasses, versionOf, type Column } from './deltas.js';

const data = workerData as IsolatedData<{ readonly column: Column; readonly paths: readonly string[] }>;
const index = CatalogueIndex.build('bench', loadMovies());
const base = index.segments[0]?.index as SegmentIndex;
// In rank order, as the main thread lists them: the search mix is drawn from this list.
const movies = Array.from({ length: base.size }, (_, rank) => base.movie(rank));
const version = versionOf(index, data.engine.column);
const mixes = requestClasses(data.engine.paths, movies).map(([, mix]) => mix);
const answer = (request: SearchRequest) => searchMovies(version, request);
for (const mix of mixes) for (let pass = 0; pass < 2; pass++) for (const request of mix) answer(request);
await settle(500);
parentPort?.postMessage('ready');
serveBlocks(data, mixes, answer);
