/**
 * What the SVG charts of the reports share: escaping, a palette, linear and log scales with
 * readable ticks ("nice numbers": steps of 1, 2 or 5 times a power of ten, P. Heckbert, "Nice
 * Numbers for Graph Labels", Graphics Gems, 1990), a frame with axes, and a sequential colour map.
 */

export const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** A number as a short label: 4 significant digits, exponent notation for very large or small. */
export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

const tidy = (v: number): number => Number(v.toPrecision(12));

/** About `count` evenly spaced round values within [lo, hi]; integer steps only when `integer`. */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) return [tidy(lo)];
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  let step = (r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1) * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) ticks.push(tidy(k * step));
  return ticks;
}

/** Powers of ten within [lo, hi] (lo > 0); with 1-2-5 between them when fewer than three fit. */
export function logTicks(lo: number, hi: number): number[] {
  const decades: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) decades.push(e);
  const within = (mantissas: readonly number[]): number[] =>
    decades.flatMap((e) => mantissas.map((m) => tidy(m * 10 ** e))).filter((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9));
  const powers = within([1]);
  if (powers.length >= 3) return powers;
  const more = within([1, 2, 5]);
  return more.length >= 2 ? more : niceTicks(lo, hi, 4).filter((v) => v > 0);
}

export interface Scale {
  readonly domain: readonly [number, number];
  readonly log: boolean;
  /** Data value -> pixel. */
  map(v: number): number;
  readonly ticks: readonly number[];
}

/** A linear (or, for positive domains, logarithmic) map of `domain` onto `range`; a point domain is centred. */
export function scale(domain: readonly [number, number], range: readonly [number, number], options: { log?: boolean; ticks?: number; integer?: boolean } = {}): Scale {
  const log = (options.log ?? false) && domain[0] > 0;
  const t = log ? Math.log : (v: number): number => v;
  const [a, b] = [t(domain[0]), t(domain[1])];
  const [r0, r1] = range;
  const map = (v: number): number => (b === a ? (r0 + r1) / 2 : r0 + ((t(v) - a) / (b - a)) * (r1 - r0));
  const ticks = log ? logTicks(domain[0], domain[1]) : niceTicks(domain[0], domain[1], options.ticks ?? 5, options.integer ?? false);
  return { domain, log, map, ticks };
}

/** [lo, hi] of the values, widened by `pad` of its width on each side (by 1 around a single value). */
export function paddedExtent(values: readonly number[], pad = 0.05): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  return [lo - pad * (hi - lo), hi + pad * (hi - lo)];
}

/** The same, in log space (positive values). */
export function paddedLogExtent(values: readonly number[], pad = 0.05): [number, number] {
  const [lo, hi] = paddedExtent(values.map(Math.log), pad);
  return [Math.exp(lo), Math.exp(hi)];
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface FrameOptions {
  readonly width: number;
  readonly height: number;
  /** The plotting area (pixels); the scales map onto it. */
  readonly plot: Box;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: Scale;
  readonly y: Scale;
}

/** The opening tag of a chart. */
export function svgOpen(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`;
}

/** A pixel coordinate with one decimal. */
export const px = (v: number): string => String(Math.round(v * 10) / 10);

/** Title, the two axes with their ticks, labels and light grid lines. */
export function frame(o: FrameOptions): string {
  const { plot: p, x, y } = o;
  const out: string[] = [];
  out.push(`<text class="title" x="${px(o.width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  for (const t of x.ticks) {
    const xt = x.map(t);
    if (xt < p.left - 0.5 || xt > p.right + 0.5) continue;
    out.push(`<line x1="${px(xt)}" y1="${p.top}" x2="${px(xt)}" y2="${p.bottom}" stroke="#eee"/>`);
    out.push(`<text class="x-tick" x="${px(xt)}" y="${p.bottom + 15}" text-anchor="middle">${formatNumber(t)}</text>`);
  }
  for (const t of y.ticks) {
    const yt = y.map(t);
    if (yt < p.top - 0.5 || yt > p.bottom + 0.5) continue;
    out.push(`<line x1="${p.left}" y1="${px(yt)}" x2="${p.right}" y2="${px(yt)}" stroke="#eee"/>`);
    out.push(`<text class="y-tick" x="${p.left - 6}" y="${px(yt + 4)}" text-anchor="end">${formatNumber(t)}</text>`);
  }
  out.push(`<line x1="${p.left}" y1="${p.bottom}" x2="${p.right}" y2="${p.bottom}" stroke="#666"/>`);
  out.push(`<line x1="${p.left}" y1="${p.top}" x2="${p.left}" y2="${p.bottom}" stroke="#666"/>`);
  out.push(`<text class="x-label" x="${px((p.left + p.right) / 2)}" y="${px(p.bottom + 34)}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  const cy = px((p.top + p.bottom) / 2);
  out.push(`<text class="y-label" x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(o.yLabel)}</text>`);
  return out.join('');
}

/** A centred note in an otherwise empty chart (no data to plot). */
export function emptyChart(width: number, height: number, title: string, note: string): string {
  return [
    svgOpen(width, height),
    `<text class="title" x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text class="note" x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">${escapeXml(note)}</text>`,
    '</svg>',
  ].join('');
}

// Light to dark blue, for "worse to better" (the best trials stand out).
const BLUES: readonly (readonly [number, number, number])[] = [
  [222, 235, 247],
  [158, 202, 225],
  [66, 146, 198],
  [8, 81, 156],
  [8, 48, 107],
];

/** The colour at t in [0, 1] of the light-to-dark sequential map. */
export function sequentialColour(t: number): string {
  const s = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(s));
  const f = s - i;
  const c = BLUES[i]!.map((v, k) => Math.round(v + f * (BLUES[i + 1]![k]! - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
