import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readConfigFile } from '../../config/load.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { LoomError, showValue } from '../../util/errors.js';
import { ensureWritableDir } from '../../util/output-dir.js';
import { cellProcessRunner } from './cell-process.js';

const writeText = (path: string, text: string): void => writeFileAtomic(path, new TextEncoder().encode(text));

interface RobustFlags {
  out?: string;
  jobs: string;
  cell?: string;
}

export function registerRobust(program: Command): void {
  program
    .command('robust')
    .description('run a Byzantine-robustness grid (aggregators x pre-aggregators x attacks x f x heterogeneity x seeds) and write its report')
    .argument('<grid>', 'grid file (.yaml or .json); see examples/robust-grid.yaml')
    .option('--out <dir>', 'where the results and the report go (default: runs/<grid name>)')
    .option('--jobs <n>', 'cells run at once, each in its own process', String(Math.max(1, Math.min(2, cpus().length))))
    .option('--cell <id>', 'run only this cell here (what --jobs uses internally)')
    .action(async (file: string, opts: RobustFlags) => {
      const [{ expandRobustGrid, parseRobustGrid, runRobustCell, runRobustGrid }, { robustCsv, robustHeatmaps, robustHtml, robustMarkdown }] = await Promise.all([
        import('../../parallel/index.js'),
        import('../../report/index.js'),
      ]);
      const grid = parseRobustGrid(readConfigFile(file));
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new LoomError(`--jobs must be a positive integer; got ${showValue(opts.jobs)}`);
      const out = resolve(opts.out ?? join('runs', grid.name));
      const cells = expandRobustGrid(grid);
      if (opts.cell !== undefined) {
        const cell = cells.find((c) => c.id === opts.cell);
        if (!cell) throw new LoomError(`no cell ${showValue(opts.cell)} in ${file}`);
        await runRobustCell(cell, out);
        return;
      }
      ensureWritableDir(out);
      process.stdout.write(`${grid.name}: ${cells.length} runs, ${jobs} at a time, results in ${out}\n`);
      const results = await runRobustGrid(cells, {
        out,
        jobs,
        ...(jobs > 1 ? { runElsewhere: cellProcessRunner('robust', resolve(file), out, 'robust grid') } : {}),
        onResult: (r, done, total) =>
          process.stdout.write(`[${done}/${total}] ${r.rule} ${r.heterogeneity} f=${r.f} ${r.attack} seed ${r.seed}: ${r.diverged ? 'diverged' : `accuracy ${(100 * r.accuracy).toFixed(2)}%`} (${r.wallSec.toFixed(1)} s)\n`),
      });
      const markdown = robustMarkdown(grid.name, robustHeatmaps(results));
      writeText(join(out, 'results.csv'), robustCsv(results));
      writeText(join(out, 'results.json'), `${JSON.stringify(results)}\n`);
      writeText(join(out, 'report.md'), markdown);
      writeText(join(out, 'report.html'), robustHtml(grid.name, results));
      process.stdout.write(`${markdown}\nwrote ${join(out, 'report.html')}, report.md, results.csv\n`);
    });
}
