/** A line chart: one polyline (with a dot per point) per series, a legend, an optional dashed reference line. */
import { emptyChart, escapeXml, frame, paddedExtent, PALETTE, px, scale, svgOpen } from './svg.js';

export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** A horizontal dashed line (a target), drawn and kept in view. */
  readonly reference?: { readonly y: number; readonly label: string };
}

const WIDTH = 600;
const HEIGHT = 360;
const PLOT = { left: 64, top: 36, right: WIDTH - 150, bottom: HEIGHT - 50 };

export function lineChart(o: LineChartOptions): string {
  const points = o.series.flatMap((s) => s.points);
  if (points.length === 0) return emptyChart(WIDTH, HEIGHT, o.title, 'nothing to plot');
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...(o.reference ? [o.reference.y] : [])];
  const x = scale(paddedExtent(xs, 0.03), [PLOT.left, PLOT.right], { integer: xs.every(Number.isInteger) });
  const y = scale(paddedExtent(ys), [PLOT.bottom, PLOT.top]);
  const out = [svgOpen(WIDTH, HEIGHT), frame({ width: WIDTH, height: HEIGHT, plot: PLOT, title: o.title, xLabel: o.xLabel, yLabel: o.yLabel, x, y })];
  if (o.reference) {
    const ry = px(y.map(o.reference.y));
    out.push(`<line class="reference" x1="${PLOT.left}" y1="${ry}" x2="${PLOT.right}" y2="${ry}" stroke="#444" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${PLOT.right - 4}" y="${px(y.map(o.reference.y) - 4)}" text-anchor="end" fill="#444">${escapeXml(o.reference.label)}</text>`);
  }
  o.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const coords = s.points.map((p) => [px(x.map(p.x)), px(y.map(p.y))]);
    out.push(`<g class="series"><title>${escapeXml(s.name)}</title>`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${coords.map((c) => c.join(',')).join(' ')}"/>`);
    for (const [cx, cy] of coords) out.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${colour}"/>`);
    out.push('</g>');
    const ly = PLOT.top + 10 + 16 * i;
    out.push(`<line x1="${PLOT.right + 12}" y1="${ly}" x2="${PLOT.right + 26}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text class="legend" x="${PLOT.right + 30}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
