/** The importance bars read back from the SVG. */
import { describe, expect, it } from 'vitest';
import { importanceSvg } from './importance.js';
import { elements, texts } from './test-support/trials.js';

describe('importance chart', () => {
  it('draws a bar per parameter, most important on top, as long as its share', () => {
    const svg = importanceSvg({ ok: true, trials: 40, params: [{ name: 'lr', importance: 0.6 }, { name: 'units', importance: 0.3 }, { name: 'dropout', importance: 0.1 }] });
    const bars = elements(svg, 'rect', 'bar');
    expect(bars.map((b) => b['data-param'])).toEqual(['lr', 'units', 'dropout']);
    const [lr, units, dropout] = bars.map((b) => Number(b.width));
    expect(lr! / units!).toBeCloseTo(2, 1);
    expect(lr! / dropout!).toBeCloseTo(6, 1);
    expect(bars.map((b) => Number(b.y))).toEqual([...bars.map((b) => Number(b.y))].sort((a, b) => a - b));
    expect(texts(svg, 'param')).toEqual(['lr', 'units', 'dropout']);
    expect(svg).toContain('>60.0%<');
    expect(texts(svg, 'x-label')[0]).toMatch(/40 complete trials/);
  });

  it('gives the reason when there is no importance', () => {
    const svg = importanceSvg({ ok: false, reason: 'parameter importance needs at least 2 complete trials; the study has 1' });
    expect(elements(svg, 'rect', 'bar')).toHaveLength(0);
    expect(texts(svg, 'note')).toEqual(['parameter importance needs at least 2 complete trials; the study has 1']);
  });
});
