/**
 * A small dependency-free SVG line chart for the bench reports: axes with ticks and labels, a linear x
 * axis, a linear or logarithmic y axis, one line (with point markers) per series, a legend, and dashed
 * horizontal reference lines (an SLO). Points outside the y range are drawn on its edge.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlotSeries {
  readonly name: string;
  readonly points: readonly Point[];
  /** CSS colour; a palette colour by position otherwise. */
  readonly color?: string;
  /** A point to ring, e.g. the last one within an SLO. */
  readonly highlight?: Point;
}

export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  readonly color?: string;
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  readonly references?: readonly ReferenceLine[];
  readonly yLog?: boolean;
  /** Axis ranges; from the data (and reference lines) when absent. */
  readonly xMin?: number;
  readonly xMax?: number;
  readonly yMin?: number;
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
  /** Tick label text; plain numbers otherwise. */
  readonly formatX?: (value: number) => string;
  readonly formatY?: (value: number) => string;
}

/** Colour-blind-friendly (Okabe–Ito) colours, dark enough on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#555555', '#E69F00', '#56B4E9'];

/** The drawing area inside the margins, in SVG user units. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Maps a value to a coordinate; the y scale runs downwards as SVG's axis does. */
export interface Scale {
  (value: number): number;
  readonly min: number;
  readonly max: number;
}

export function linearScale(min: number, max: number, from: number, to: number): Scale {
  const span = max - min || 1;
  return Object.assign((v: number) => from + ((v - min) / span) * (to - from), { min, max });
}

export function logScale(min: number, max: number, from: number, to: number): Scale {
  if (!(min > 0) || !(max > 0)) throw new RangeError(`a log scale needs positive bounds, got ${min}..${max}`);
  const lo = Math.log10(min);
  const span = Math.log10(max) - lo || 1;
  return Object.assign((v: number) => from + ((Math.log10(Math.max(v, Number.MIN_VALUE)) - lo) / span) * (to - from), { min, max });
}

/** About `count` round ticks (1, 2 or 5 × 10^n apart) covering [min, max]. */
export function linearTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Powers of ten within [min, max] (labelled ticks) and the 2× and 5× between them (minor grid lines). */
export function logTicks(min: number, max: number): { major: number[]; minor: number[] } {
  const major: number[] = [];
  const minor: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    const p = 10 ** e;
    if (p >= min * (1 - 1e-9) && p <= max * (1 + 1e-9)) major.push(Number(p.toPrecision(12)));
    for (const m of [2, 5]) if (m * p >= min && m * p <= max) minor.push(Number((m * p).toPrecision(12)));
  }
  return { major, minor };
}

/** Rounds outwards to a power of ten, so a log axis starts and ends on a labelled tick. */
export function logBounds(min: number, max: number): { min: number; max: number } {
  return { min: 10 ** Math.floor(Math.log10(min)), max: 10 ** Math.ceil(Math.log10(max)) };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Short numbers for tick labels: 25000 → "25k", 0.5 → "0.5". */
export function compactNumber(value: number): string {
  if (Math.abs(value) >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export interface PlotLayout {
  readonly frame: Frame;
  readonly x: Scale;
  readonly y: Scale;
}

/** The frame and scales a chart with these options uses: exported so a test can check where points land. */
export function layout(o: PlotOptions): PlotLayout {
  const width = o.width ?? 960;
  const height = o.height ?? 520;
  // Wide enough for the longest label at ~7 px per character of the 12 px font.
  const labels = [...o.series.map((s) => s.name), ...(o.references ?? []).map((r) => r.label)];
  const legendWidth = Math.max(120, 60 + 7 * Math.max(0, ...labels.map((l) => l.length)));
  const frame: Frame = { left: 72, top: 48, right: width - legendWidth, bottom: height - 58 };
  const points = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...(o.references ?? []).map((r) => r.y)].filter((v) => !o.yLog || v > 0);
  const xMin = o.xMin ?? Math.min(0, ...xs);
  const xMaxData = o.xMax ?? Math.max(1, ...xs);
  const xTicks = linearTicks(xMin, xMaxData);
  const xMax = o.xMax ?? Math.max(xMaxData, xTicks[xTicks.length - 1] ?? xMaxData);
  const x = linearScale(xMin, xMax, frame.left, frame.right);
  let y: Scale;
  if (o.yLog) {
    const bounds = logBounds(o.yMin ?? Math.min(...ys, 1), o.yMax ?? Math.max(...ys, 1));
    y = logScale(o.yMin ?? bounds.min, o.yMax ?? bounds.max, frame.bottom, frame.top);
  } else {
    y = linearScale(o.yMin ?? Math.min(0, ...ys), o.yMax ?? Math.max(1, ...ys), frame.bottom, frame.top);
  }
  return { frame, x, y };
}

/** Renders the chart as a standalone SVG document. */
export function linePlot(o: PlotOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 520;
  const { frame, x, y } = layout(o);
  const fx = o.formatX ?? compactNumber;
  const fy = o.formatY ?? compactNumber;
  const clampY = (v: number) => Math.min(frame.bottom, Math.max(frame.top, y(v)));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(o.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${r2((frame.left + frame.right) / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`,
  );

  // Grid and ticks.
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  const xTicks = linearTicks(x.min, x.max).filter((t) => t >= x.min && t <= x.max);
  for (const t of xTicks) out.push(`<line x1="${r2(x(t))}" y1="${frame.top}" x2="${r2(x(t))}" y2="${frame.bottom}"/>`);
  let yMajor: number[];
  if (o.yLog) {
    const ticks = logTicks(y.min, y.max);
    yMajor = ticks.major;
    for (const t of ticks.minor)
      out.push(`<line x1="${frame.left}" y1="${r2(y(t))}" x2="${frame.right}" y2="${r2(y(t))}" stroke="#f0f0f0"/>`);
  } else {
    yMajor = linearTicks(y.min, y.max);
  }
  for (const t of yMajor) out.push(`<line x1="${frame.left}" y1="${r2(y(t))}" x2="${frame.right}" y2="${r2(y(t))}"/>`);
  out.push('</g>');

  out.push(
    `<g class="axes" stroke="#333333" stroke-width="1" fill="none"><path d="M${frame.left} ${frame.top} V${frame.bottom} H${frame.right}"/></g>`,
  );
  out.push('<g class="x-ticks" fill="#333333" text-anchor="middle">');
  for (const t of xTicks) {
    out.push(`<line x1="${r2(x(t))}" y1="${frame.bottom}" x2="${r2(x(t))}" y2="${frame.bottom + 5}" stroke="#333333"/>`);
    out.push(`<text x="${r2(x(t))}" y="${frame.bottom + 19}">${escapeXml(fx(t))}</text>`);
  }
  out.push('</g>');
  out.push('<g class="y-ticks" fill="#333333" text-anchor="end">');
  for (const t of yMajor) {
    out.push(`<line x1="${frame.left - 5}" y1="${r2(y(t))}" x2="${frame.left}" y2="${r2(y(t))}" stroke="#333333"/>`);
    out.push(`<text x="${frame.left - 8}" y="${r2(y(t) + 4)}">${escapeXml(fy(t))}</text>`);
  }
  out.push('</g>');
  out.push(
    `<text x="${r2((frame.left + frame.right) / 2)}" y="${height - 16}" text-anchor="middle" font-size="13">${escapeXml(o.xLabel)}</text>`,
  );
  const yMid = r2((frame.top + frame.bottom) / 2);
  out.push(`<text x="18" y="${yMid}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${yMid})">${escapeXml(o.yLabel)}</text>`);

  // Reference lines, under the data.
  for (const ref of o.references ?? []) {
    const color = ref.color ?? '#B00020';
    const at = r2(y(ref.y));
    out.push(
      `<g class="reference"><line x1="${frame.left}" y1="${at}" x2="${frame.right}" y2="${at}" stroke="${color}" stroke-width="1.5" stroke-dasharray="7 5"/>`,
      // A white halo keeps the label readable where a series crosses it.
      `<text x="${frame.right - 6}" y="${r2(at - 6)}" fill="${color}" text-anchor="end" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(ref.label)}</text></g>`,
    );
  }

  // Series: a line and a marker per point.
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${r2(x(p.x))} ${r2(clampY(p.y))}`).join(' ');
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if (pts.length > 0) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    for (const p of pts) out.push(`<circle cx="${r2(x(p.x))}" cy="${r2(clampY(p.y))}" r="3" fill="${color}"/>`);
    const h = s.highlight;
    if (h !== undefined && Number.isFinite(h.x) && Number.isFinite(h.y)) {
      out.push(
        `<circle class="highlight" cx="${r2(x(h.x))}" cy="${r2(clampY(h.y))}" r="7" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    out.push('</g>');
  });

  // Legend, right of the plot.
  const lx = frame.right + 20;
  out.push('<g class="legend">');
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const ly = frame.top + 8 + i * 22;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"/><circle cx="${lx + 12}" cy="${ly}" r="3" fill="${color}"/>`,
    );
    out.push(`<text x="${lx + 32}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  (o.references ?? []).forEach((ref, i) => {
    const ly = frame.top + 8 + (o.series.length + i) * 22;
    const color = ref.color ?? '#B00020';
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="1.5" stroke-dasharray="7 5"/>`);
    out.push(`<text x="${lx + 32}" y="${ly + 4}">${escapeXml(ref.label)}</text>`);
  });
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}
