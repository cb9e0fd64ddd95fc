import { liveCandidates, liveCheck, type LiveSegment } from './live-segments.js';
import type { SegmentSearch } from './merged-counts.js';
import { planQuery, verifier, type PlanOptions } from './plan.js';
import type { SearchRequest } from './search-request.js';

/** A segment's full plan for a request (every word of `q`), its candidates and its checks, superseded movies refused. */
export function planSegment(segment: LiveSegment, request: SearchRequest, options: PlanOptions): SegmentSearch {
  const plan = planQuery(segment.index, request.query, options);
  const verify = verifier(segment.index, plan, request.query);
  return { segment, plan, candidates: liveCandidates(segment, plan), check: liveCheck(segment, verify), verify };
}
