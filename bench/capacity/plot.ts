/** The SVG beside docs/capacity.md: each series' p99 at every step, the sustained rate ringed, the SLO drawn. */
import { compactNumber, linePlot } from './svg-plot.js';
import { sustainedStep, type SeriesResult } from './measure.js';

/** One colour per series key (Okabe–Ito, readable with colour-blindness); nginx's hits in orange beside cinedex edge's green. */
export const SERIES_COLORS: Readonly<Record<string, string>> = {
  api: '#0072B2',
  'api-br': '#000000',
  'api-cold': '#D55E00',
  'edge-hit': '#009E73',
  'nginx-hit': '#E69F00',
  'edge-miss': '#CC79A7',
  replay: '#56B4E9',
  raw: '#555555',
};
const Y_MIN_MS = 0.1;
const Y_MAX_MS = 1000;

/** p99 against offered load, one line per series, on a log scale that shows both the floor and the knee. */
export function latencyPlot(results: readonly SeriesResult[], sloMs: number): string {
  return linePlot({
    title: 'p99 latency against offered load (one server core, open loop)',
    xLabel: 'offered load, requests/s (constant arrival rate)',
    yLabel: 'p99 latency, ms (log scale; from intended send time)',
    yLog: true,
    yMin: Y_MIN_MS,
    yMax: Y_MAX_MS,
    formatY: (v) => (v >= 1 ? String(v) : String(Number(v.toPrecision(2)))),
    formatX: compactNumber,
    series: results.map((r) => {
      const sustained = sustainedStep(r);
      return {
        name: r.name,
        color: SERIES_COLORS[r.key],
        points: r.steps.map((s) => ({ x: s.offered, y: s.p99Ms })),
        ...(sustained ? { highlight: { x: sustained.offered, y: sustained.p99Ms } } : {}),
      };
    }),
    references: [{ y: sloMs, label: `SLO: p99 ${sloMs} ms` }],
  });
}
