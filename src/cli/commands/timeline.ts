import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LoomError } from '../../util/errors.js';

export function registerTimeline(program: Command): void {
  program
    .command('timeline')
    .description('draw a step timeline (strategy.timelineSteps) as an SVG and sum each step: compute, waits, communication and how much of it overlapped compute')
    .argument('<trace>', 'a timeline.json a run wrote to its output.dir (Chrome trace format: Perfetto opens it too)')
    .option('-o, --out <file>', 'where the SVG goes (default: next to the trace, .svg)')
    .action(async (path: string, opts: { out?: string }) => {
      const [{ parseTimeline }, { alignedTable, stepOverlaps, timelineChart }, { writeFileAtomic }] = await Promise.all([
        import('../../parallel/index.js'),
        import('../../report/index.js'),
        import('../../util/atomic-file.js'),
      ]);
      if (!existsSync(path)) throw new LoomError(`timeline ${path} does not exist`);
      const events = parseTimeline(readFileSync(path, 'utf8'), path);
      const out = opts.out ?? path.replace(/\.json$/, '') + '.svg';
      writeFileAtomic(out, Buffer.from(timelineChart(events, `step timeline of rank 0 (${basename(path)})`)));
      const rows = stepOverlaps(events).map((s) => [String(s.step), s.computeMs.toFixed(2), s.waitMs.toFixed(2), s.commMs.toFixed(2), `${(100 * s.overlapped).toFixed(0)}%`]);
      process.stdout.write(`${alignedTable(['step', 'compute ms', 'wait ms', 'comm ms', 'comm overlapped'], rows).join('\n')}\nchart: ${out}\n`);
    });
}
