/**
 * `loom grid <file>`: runs a grid of trainings over any config keys and writes the comparison:
 * results.json (every run), summary.csv, report.md and report.html (the summary table per cell and
 * the learning curves against steps, seconds and bytes sent, also as .svg files).
 */
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readConfigFile } from '../../config/load.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { LoomError, showValue } from '../../util/errors.js';
import { ensureWritableDir } from '../../util/output-dir.js';
import { cellProcessRunner } from './cell-process.js';

const writeText = (path: string, text: string): void => writeFileAtomic(path, new TextEncoder().encode(text));

interface GridFlags {
  out?: string;
  parallel?: string;
  cell?: string;
}

const FORMAT = `
A grid file (YAML or JSON):
  name: strategies                      # default out folder: runs/<name>
  base: base.yaml                       # a config file (relative to this file, no output section), or inline
  axes:                                 # any dotted config keys; every combination is a cell
    distributed.workers: [4, 8]
  cells:                                # optional named variants, each setting keys together
    - { name: ddp, set: { strategy: { type: ddp } } }
    - { name: local-sgd, set: { strategy.type: local-sgd, strategy.period: 8 } }
  seeds: [1, 2]                         # every cell runs once per seed
  parallel: 2                           # cells at once, each in its own process
  target: 0.8                           # report the steps, seconds and bytes to this test accuracy
  out: runs/strategies
Every cell's config is checked (schema and strategy) before any cell runs. Finished cells are kept
in <out>/cells/, so a rerun resumes where the last one stopped. See examples/strategies-grid.yaml.`;

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new LoomError(`${flag} must be a positive integer; got ${showValue(value)}`);
  return n;
}

export function registerGrid(program: Command): void {
  program
    .command('grid')
    .description(
      'run a grid of trainings over any config keys (axes, named cells, seeds) and compare them: test accuracy against steps, seconds and bytes sent, and the steps, seconds and bytes each cell took to reach a target accuracy',
    )
    .argument('<file>', 'grid file (.yaml or .json); see examples/strategies-grid.yaml')
    .option('--out <dir>', "where the results and the report go (default: the file's out, else runs/<name>)")
    .option('--parallel <n>', "cells run at once, each in its own process (default: the file's parallel, else 1)")
    .addOption(new Option('--cell <id>', 'run only this cell here (what --parallel uses internally)').hideHelp())
    .addHelpText('after', FORMAT)
    .action(async (path: string, opts: GridFlags) => {
      const [{ expandGrid, parseGridFile, runGrid, runGridRun }, report] = await Promise.all([import('../../parallel/index.js'), import('../../report/index.js')]);
      const file = parseGridFile(readConfigFile(path), path);
      const parallel = opts.parallel === undefined ? file.parallel : positiveInt('--parallel', opts.parallel);
      const out = resolve(opts.out ?? file.out ?? join('runs', file.name));
      const runs = expandGrid(file);
      if (opts.cell !== undefined) {
        const run = runs.find((r) => r.id === opts.cell);
        if (!run) throw new LoomError(`no cell ${showValue(opts.cell)} in ${path}`);
        await runGridRun(run, out);
        return;
      }
      ensureWritableDir(out);
      const cells = new Set(runs.map((r) => r.cell)).size;
      process.stdout.write(`${file.name}: ${cells} cells x ${file.seeds.length} seeds = ${runs.length} runs, ${parallel} at a time, results in ${out}\n`);
      const results = await runGrid(runs, {
        out,
        jobs: parallel,
        ...(parallel > 1 ? { runElsewhere: cellProcessRunner('grid', resolve(path), out, 'grid') } : {}),
        onResult: (r, done, total) =>
          process.stdout.write(`[${done}/${total}] ${r.cell} seed ${r.seed}: ${r.diverged ? 'diverged' : `accuracy ${(100 * r.accuracy).toFixed(2)}%`} (${r.wallSec.toFixed(1)} s)\n`),
      });
      const kind = report.secondsKind(results);
      const summary = report.summarizeGrid(results, file.target);
      const charts = report.gridCharts(results, file.target);
      const markdown = report.gridMarkdown(file.name, summary, file.target, kind);
      writeText(join(out, 'results.json'), `${JSON.stringify(results)}\n`);
      writeText(join(out, 'summary.csv'), report.gridSummaryCsv(summary, file.target, kind));
      writeText(join(out, 'report.md'), markdown);
      writeText(join(out, 'report.html'), report.gridHtml(file.name, summary, charts, file.target, kind));
      writeText(join(out, 'accuracy-by-step.svg'), charts.steps);
      writeText(join(out, 'accuracy-by-seconds.svg'), charts.seconds);
      writeText(join(out, 'accuracy-by-bytes.svg'), charts.bytes);
      process.stdout.write(`${markdown}\nwrote ${join(out, 'report.html')}, report.md, summary.csv, results.json, accuracy-by-{step,seconds,bytes}.svg\n`);
    });
}
