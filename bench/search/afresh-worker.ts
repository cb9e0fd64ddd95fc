/**
 * One build of the afresh table (afresh.ts) in a worker thread of its own (lib/isolated-engine.ts): its
 * engine (this build's, or the one BENCH_BEFORE_CLI names) over the catalogue it is given, every workload
 * answered once (the answers go back with "ready", to be compared between builds), then queries timed
 * one at a time, each the least CPU of a few runs, until the table is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { modulesOf, THIS_BUILD } from '../lib/engine-modules.js';
import { settle } from '../lib/in-process.js';
import { serveBlocks, type IsolatedData } from '../lib/isolated-engine.js';
import { afreshEngine, answersOf, type AfreshSetup } from './afresh.js';

const { label, cli, movies, workloads } = (workerData as IsolatedData<AfreshSetup>).engine;
const engine = afreshEngine(label, cli === undefined ? THIS_BUILD : await modulesOf(cli), movies);
const requests = workloads.map((queries) => queries.map((q) => engine.prepare(q)));
const answers = answersOf(engine, requests);
await settle(500);
parentPort?.postMessage(answers);
serveBlocks(workerData as IsolatedData<unknown>, requests, (request) => engine.answer(request));
