/**
 * Instructions per request of the engine-over-deltas mixes (deltas.ts), counted by callgrind: what the load of the
 * machine does not move, so two builds a few per cent apart can be told apart while other benches run.
 *
 * One version per process (the seed alone, or with 1 or 20 deltas folded as served), one mix, warmed, then measured
 * inside the process's one call of `Array.prototype.reduceRight` (nothing else calls it: `Reflect.apply`, tried first,
 * is called by Node thousands of times), so callgrind counts the measured passes alone, none of the ~11·10⁹
 * instructions of loading and indexing the seed:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=OUT \
 *     --zero-before=Builtins_ArrayReduceRight --dump-after=Builtins_ArrayReduceRight \
 *     node --single-threaded --perf-basic-prof dist/bench/engine/instructions.js count 20 filters-held CLASSES
 *   node dist/bench/engine/instructions.js summarise OUT.1 /tmp/perf-PID.map N
 *
 * What instructions miss (the time of cache misses and mispredicted branches; engine-deltas.md, sixteenth pass): the same with
 * `--cache-sim=yes --branch-sim=yes --I1=32768,8,64 --D1=49152,12,64 --LL=1048576,16,64` (callgrind's own reading of
 * this VM's caches gives a 512 MiB LL; 1 MiB is an L2 core's) and `--instr-atstart=no`, the driver run with
 * INSTRUCTIONS_INSTRUMENT=1 so that it switches the instrumentation on itself before its warm passes (~4× faster, the
 * seed's loading uninstrumented). `summarise` then adds I1mr, D1mr, DLmr, Bcm and Bim per request.
 *
 * `classify CLASSES` first writes, for the filter mix at 20 deltas, which requests the version answers off the base
 * alone ("alone": no delta movie and no superseded base movie passes the filters), which only the base's superseded
 * movies hold ("superseded"), and which a delta holds ("delta"); the file is read by every process, of every build,
 * so that the 0-delta process answers the same requests. To count another build, copy this file's compiled
 * dist/bench/engine/instructions.js into a copy of that build's dist (it uses only what deltas.ts already exported).
 *
 * Warm-up: 3 passes left TurboFan compiling inside the measured loop and moved a held request's count by ~1,000
 * (engine-deltas.md, thirteenth pass), hence 15 warm passes and 20 measured by default (INSTRUCTIONS_WARM,
 * INSTRUCTIONS_PASSES). `summarise` splits the count into JS (JIT code, named by V8's perf map), builtins, TurboFan
 * (compiling) and GC, per request: quote JS + builtins, which the code decides, apart from the other two.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { CatalogueIndex } from '../../src/engine/catalogue-index.js';
import { searchMovies } from '../../src/engine/search.js';
import type { SearchRequest } from '../../src/engine/search-request.js';
import type { SegmentIndex } from '../../src/engine/segment-index.js';
import { engineRequests } from '../lib/in-process.js';
import { benchPaths, loadMovies } from '../lib/workload.js';
import { requestClasses, versionOf, type Column } from './deltas.js';

type Held = 'alone' | 'superseded' | 'delta';
interface Classes {
  readonly held: Held[];
}

const CLASS_MIXES = ['filters', 'sorts', 'q', 'facets', 'count'] as const;

function numberFrom(name: string, fallback: number): number {
  const value = process.env[name];
  return value === undefined ? fallback : Number(value);
}

function columnOf(arg: string | undefined): Column {
  if (arg === '0' || arg === '1' || arg === '4' || arg === '20') return Number(arg) as Column;
  throw new Error(`a column: 0, 1, 4 or 20, not ${arg}`);
}

/**
 * The requests of a mix: a class of deltas.ts, or the filter mix's requests of one kind (filters-alone,
 * filters-superseded, filters-delta, filters-held: the last two), or `served-filters`: the filter mix's paths,
 * parsed in the measured loop as the served path parses each request (src/http/movies-answer.ts).
 */
function mixOf(name: string, seed: SegmentIndex, classesFile: string | undefined): { requests: SearchRequest[]; paths?: string[] } {
  const paths = benchPaths();
  if (name === 'served-filters') return { requests: [], paths };
  const movies = Array.from({ length: seed.size }, (_, rank) => seed.movie(rank));
  const classes = requestClasses(paths, movies);
  const at = CLASS_MIXES.indexOf(name.split('-')[0] as (typeof CLASS_MIXES)[number]);
  if (at < 0) throw new Error(`no mix ${name}`);
  const requests = (classes[at] as [string, SearchRequest[]])[1];
  const kind = name.split('-')[1];
  if (kind === undefined) return { requests };
  if (classesFile === undefined) throw new Error(`${name} needs the classes file (classify)`);
  const { held } = JSON.parse(readFileSync(classesFile, 'utf8')) as Classes;
  const keep = (h: Held): boolean => (kind === 'held' ? h !== 'alone' : h === kind);
  return { requests: requests.filter((_, i) => keep(held[i] as Held)) };
}

async function classify(out: string): Promise<void> {
  const { findDeltaMatches } = await import('../../src/engine/delta-finds.js');
  const { titleTerms } = await import('../../src/engine/plan.js');
  const { BASE_ONLY } = await import('../../src/engine/segment-mask.js');
  const index = CatalogueIndex.build('bench', loadMovies());
  const version = versionOf(index, 20);
  const held = engineRequests(benchPaths()).map((request): Held => {
    const title = request.query.title === undefined ? undefined : titleTerms(request.query.title);
    const found = findDeltaMatches(version, request, title);
    if (found.mask !== BASE_ONLY) return 'delta';
    return found.baseSuperseded.length > 0 ? 'superseded' : 'alone';
  });
  writeFileSync(out, JSON.stringify({ held } satisfies Classes));
  const n = (h: Held) => held.filter((x) => x === h).length;
  console.log(`alone ${n('alone')}, superseded ${n('superseded')}, delta ${n('delta')}`);
}

async function count(columnArg: string | undefined, mixName: string, classesFile: string | undefined): Promise<void> {
  const index = CatalogueIndex.build('bench', loadMovies());
  const seed = index.segments[0]?.index as SegmentIndex;
  const version = versionOf(index, columnOf(columnArg));
  const { requests, paths } = mixOf(mixName, seed, classesFile);
  const pass =
    paths === undefined
      ? (): number => {
          let sink = 0;
          for (const request of requests) sink += searchMovies(version, request).ranks.length;
          return sink;
        }
      : (): number => {
          let sink = 0;
          for (const path of paths) sink += searchMovies(version, engineRequests([path])[0] as SearchRequest).ranks.length;
          return sink;
        };
  const warm = numberFrom('INSTRUCTIONS_WARM', 15);
  const passes = numberFrom('INSTRUCTIONS_PASSES', 20);
  if (process.env.INSTRUCTIONS_INSTRUMENT === '1') await instrumentFromHere();
  for (let p = 0; p < warm; p++) pass();
  // The measured passes: the one reduceRight call callgrind is told to count (see the header).
  const sink = [0].reduceRight((total) => {
    for (let p = 0; p < passes; p++) total += pass();
    return total;
  }, 0);
  const n = paths?.length ?? requests.length;
  console.log(JSON.stringify({ column: columnArg, mix: mixName, requests: n, passes, sink }));
}

/**
 * Under `--instr-atstart=no`, callgrind's instrumentation switched on now, before the warm passes: loading and
 * indexing the seed then run uninstrumented, ~4× faster under a cache simulation, and counts are the same.
 */
async function instrumentFromHere(): Promise<void> {
  const control = spawn('callgrind_control', ['-i', 'on', String(process.pid)], { stdio: 'inherit' });
  await new Promise((resolve) => control.on('exit', resolve));
}

/**
 * Self instructions of a callgrind dump by kind, per request (`requests`: the requests times the measured passes):
 * JIT code (an address V8's perf map names), builtins, TurboFan and other compilers, GC, the rest (C++ of the
 * runtime, libc); and the JIT functions and builtins costing most. Read off the dump itself (a cost line right
 * after `calls=` is the callee's inclusive cost, not the caller's own): callgrind_annotate 3.19 printed inclusive
 * figures whatever `--inclusive` said.
 */
function summarise(dump: string, perfMap: string, requests: number): void {
  const map = readFileSync(perfMap, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [start, size, ...name] = l.split(' ');
      const at = parseInt(start as string, 16);
      return { start: at, end: at + parseInt(size as string, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
  const jitName = (address: number): string | undefined => {
    let lo = 0;
    let hi = map.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((map[mid]?.start as number) <= address) lo = mid + 1;
      else hi = mid;
    }
    const entry = map[lo - 1];
    return entry !== undefined && address < entry.end ? entry.name : undefined;
  };
  const names = new Map<string, string>();
  const add = (into: Map<string, number[]>, key: string, counts: readonly number[]): void => {
    let sum = into.get(key);
    if (sum === undefined) into.set(key, (sum = []));
    for (let e = 0; e < counts.length; e++) sum[e] = (sum[e] ?? 0) + (counts[e] as number);
  };
  // Every event of the dump, Ir first: with --cache-sim=yes and --branch-sim=yes, the misses and mispredictions too.
  let events = ['Ir'];
  const self = new Map<string, number[]>();
  let fn = '';
  let afterCall = false;
  for (const line of readFileSync(dump, 'utf8').split('\n')) {
    if (line.startsWith('events: ')) events = line.slice(8).trim().split(' ');
    const named = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named !== null) {
      if (named[2] !== undefined) names.set(named[1] as string, named[2]);
      fn = names.get(named[1] as string) ?? '?';
      continue;
    }
    const called = /^c?fn=\((\d+)\) (.*)$/.exec(line);
    if (called !== null) names.set(called[1] as string, called[2] as string);
    if (line.startsWith('calls=')) {
      afterCall = true;
      continue;
    }
    // A position (a line, relative or `*`), then the events' counts, trailing zeros left out.
    const cost = /^(?:[+-]?\d+|\*)((?: \d+)+)$/.exec(line);
    if (cost === null) continue;
    if (afterCall) afterCall = false;
    else add(self, fn, (cost[1] as string).trim().split(' ').map(Number));
  }
  const kinds = new Map<string, number[]>();
  const functions = new Map<string, number[]>();
  for (const [where, counts] of self) {
    const bare = where.replace(/'\d+$/, '');
    const address = /^0x([0-9a-f]+)$/.exec(bare);
    const jit = address ? jitName(parseInt(address[1] as string, 16)) : undefined;
    const name = jit ?? bare;
    const kind =
      jit !== undefined
        ? 'JS'
        : /Builtins_/.test(name)
          ? 'builtins'
          : /compiler::|maglev|turboshaft|Compile|Pipeline/.test(name)
            ? 'TurboFan'
            : /Heap|Scaveng|Mark|Sweep|GC|Evacuat|Remembered|Slot/.test(name)
              ? 'GC'
              : 'other';
    add(kinds, kind, counts);
    add(kinds, 'total', counts);
    if (kind === 'JS' || kind === 'builtins') add(functions, name, counts);
  }
  const per = (n: number | undefined, digits = 0): string => ((n ?? 0) / requests).toFixed(digits);
  const ir = (counts: readonly number[] | undefined): number => counts?.[0] ?? 0;
  const total = kinds.get('total');
  console.log(
    `total ${per(ir(total))} per request; ${[...kinds]
      .filter(([k]) => k !== 'total')
      .map(([k, c]) => `${k} ${per(ir(c))}`)
      .join(', ')}`,
  );
  console.log(`JS + builtins ${per(ir(kinds.get('JS')) + ir(kinds.get('builtins')))}`);
  // The misses and mispredictions per request, by kind and for the functions costing most: what instructions do not show.
  const shown = ['I1mr', 'D1mr', 'DLmr', 'Bcm', 'Bim'].filter((e) => events.includes(e));
  const columns = (counts: readonly number[]): string => shown.map((e) => per(counts[events.indexOf(e)], 1).padStart(8)).join('');
  if (shown.length > 0) {
    console.log(`${''.padStart(10)}${shown.map((e) => e.padStart(8)).join('')}`);
    for (const [k, c] of kinds) console.log(`${k.padStart(10)}${columns(c)}`);
  }
  for (const [name, c] of [...functions].sort((a, b) => ir(b[1]) - ir(a[1])).slice(0, 25))
    console.log(`${per(ir(c)).padStart(8)}${shown.length > 0 ? columns(c) : ''}  ${name}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'classify') await classify(args[0] ?? 'classes.json');
else if (mode === 'count') await count(args[0], args[1] ?? 'filters', args[2]);
else if (mode === 'summarise') summarise(args[0] as string, args[1] as string, Number(args[2]));
else console.error('usage: instructions.js classify FILE | count COLUMN MIX [CLASSES] | summarise DUMP PERFMAP REQUESTS');
