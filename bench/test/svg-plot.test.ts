import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, linePlot, linearTicks, logTicks, type PlotOptions } from '../capacity/svg-plot.js';

const NAME = /[A-Za-z_][\w.:-]*/.source;
const ATTR_VALUE = /"(?:[^"<&]|&(?:amp|lt|gt|quot|apos);)*"/.source;
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}=${ATTR_VALUE})*)\\s*(/?)>`);
const TEXT = /^(?:[^<&]|&(?:amp|lt|gt|quot|apos);)+/;

/** A strict check of the XML the plot writes: every tag closed in order, attributes quoted, text and values escaped. */
function assertWellFormed(xml: string): void {
  const open: string[] = [];
  let rest = xml.trim();
  let roots = 0;
  while (rest.length > 0) {
    const tag = TAG.exec(rest);
    if (tag) {
      const [whole, closing, name, attrs, selfClosing] = tag as unknown as [string, string, string, string, string];
      const attrNames = [...attrs.matchAll(new RegExp(`(${NAME})=`, 'g'))].map((m) => m[1]);
      assert.equal(new Set(attrNames).size, attrNames.length, `duplicate attribute in ${whole}`);
      if (closing) assert.equal(open.pop(), name, `</${name}> closes the wrong element`);
      else if (!selfClosing) {
        if (open.length === 0) roots++;
        open.push(name);
      } else if (open.length === 0) roots++;
      rest = rest.slice(whole.length);
      continue;
    }
    const text = TEXT.exec(rest);
    assert.ok(text, `not well-formed at: ${rest.slice(0, 80)}`);
    assert.ok(open.length > 0 || text[0].trim() === '', 'text outside the root element');
    rest = rest.slice(text[0].length);
  }
  assert.deepEqual(open, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
}

/** The coordinates of a path's `d` (M and L commands only, as the plot writes them). */
function pathPoints(d: string): { x: number; y: number }[] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

function seriesPaths(svg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of svg.matchAll(/<g class="series" data-series="([^"]*)">([\s\S]*?)<\/g>/g)) {
    out.set(
      g[1] as string,
      [...(g[2] as string).matchAll(/<path d="([^"]*)"/g)].map((m) => m[1] as string),
    );
  }
  return out;
}

const options: PlotOptions = {
  title: 'p99 <latency> & "load"',
  xLabel: 'offered req/s',
  yLabel: 'ms',
  yLog: true,
  xMin: 0,
  xMax: 100,
  yMin: 1,
  yMax: 1000,
  series: [
    {
      name: 'a & b',
      points: [
        { x: 50, y: 10 },
        { x: 0, y: 1 },
        { x: 100, y: 1000 },
      ],
      highlight: { x: 50, y: 10 },
    },
    {
      name: '<raw>',
      points: [
        { x: 20, y: 5000 },
        { x: 40, y: 0.1 },
      ],
    },
    { name: 'empty', points: [] },
  ],
  references: [{ y: 5, label: 'SLO 5 ms' }],
};

describe('svg line plot', () => {
  const svg = linePlot(options);

  test('is well-formed XML with escaped text, even with markup characters in names and titles', () => {
    assertWellFormed(svg);
    assert.match(svg, /<title>p99 &lt;latency&gt; &amp; &quot;load&quot;<\/title>/);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  });

  test('the checker itself rejects broken XML', () => {
    assert.throws(() => assertWellFormed('<svg><g></svg>'));
    assert.throws(() => assertWellFormed('<svg><text>a < b</text></svg>'));
    assert.throws(() => assertWellFormed('<svg a="1" a="2"/>'));
  });

  test('one path per series with points, one legend entry per series', () => {
    const paths = seriesPaths(svg);
    assert.deepEqual([...paths.keys()], ['a &amp; b', '&lt;raw&gt;', 'empty']);
    assert.equal(paths.get('a &amp; b')?.length, 1);
    assert.equal(paths.get('&lt;raw&gt;')?.length, 1);
    assert.equal(paths.get('empty')?.length, 0);
    const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    for (const name of ['a &amp; b', '&lt;raw&gt;', 'empty', 'SLO 5 ms']) assert.ok(legend.includes(`>${name}</text>`), name);
  });

  test('points land where the scales put them: sorted by x, log y, clamped to the frame', () => {
    const { frame } = layout(options);
    const a = pathPoints(seriesPaths(svg).get('a &amp; b')?.[0] ?? '');
    const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 0.01, `${actual} ≠ ${expected}`);
    assert.equal(a.length, 3);
    close(a[0]!.x, frame.left);
    close(a[0]!.y, frame.bottom);
    close(a[1]!.x, (frame.left + frame.right) / 2);
    // 10 on a 1–1000 log axis is a third of the way up.
    close(a[1]!.y, frame.bottom - (frame.bottom - frame.top) / 3);
    close(a[2]!.x, frame.right);
    close(a[2]!.y, frame.top);
    const ring = /<circle class="highlight" cx="([\d.]+)" cy="([\d.]+)"/.exec(svg);
    assert.equal(svg.match(/class="highlight"/g)?.length, 1, 'one ring, for the one series that has a highlight');
    close(Number(ring?.[1]), a[1]!.x);
    close(Number(ring?.[2]), a[1]!.y);
    const raw = pathPoints(seriesPaths(svg).get('&lt;raw&gt;')?.[0] ?? '');
    close(raw[0]!.x, frame.left + (frame.right - frame.left) * 0.2);
    close(raw[0]!.y, frame.top);
    close(raw[1]!.y, frame.bottom);
  });

  test('the SLO is a dashed horizontal line at its value', () => {
    const { frame, y } = layout(options);
    const line = /<g class="reference"><line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"[^>]*stroke-dasharray/.exec(svg);
    assert.ok(line, 'a dashed reference line');
    assert.equal(Number(line[1]), frame.left);
    assert.equal(Number(line[3]), frame.right);
    assert.ok(Math.abs(Number(line[2]) - y(5)) < 0.01);
    assert.equal(line[2], line[4]);
  });

  test('ticks: round linear steps covering the range, powers of ten on a log axis', () => {
    assert.deepEqual(linearTicks(0, 60000), [0, 10000, 20000, 30000, 40000, 50000, 60000]);
    assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(logTicks(0.05, 1000).major, [0.1, 1, 10, 100, 1000]);
    assert.deepEqual(logTicks(0.05, 1000).minor.slice(0, 3), [0.05, 0.2, 0.5]);
    const ticks = /<g class="y-ticks"[\s\S]*?<\/g>/.exec(svg)?.[0] ?? '';
    assert.deepEqual(
      [...ticks.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]),
      ['1', '10', '100', '1k'],
    );
  });
});
