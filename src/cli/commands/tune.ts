import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readConfigFile } from '../../config/load.js';
import { alignedTable } from '../../report/index.js';
import { openJournals, type JournalDatabase } from '../../store/index.js';
import { writeStudyReport } from '../../tune/index.js';
import { parseTuneFile, runTuneFile, tuneFileDir, Study, summarize, summaryLine, trialLine, trialTable, RandomSampler, type JournalOp } from '../../tune/index.js';
import { LoomError, showValue } from '../../util/errors.js';
import { ensureWritableDir } from '../../util/output-dir.js';

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new LoomError(`${flag} must be a positive integer; got ${showValue(value)}`);
  return n;
}

/** A study the store holds, opened to read (never created here); an unknown name is refused listing those it has. */
async function openExistingStudy(db: JournalDatabase, name: string, names?: readonly string[]): Promise<Study> {
  const held = names ?? (await db.list()).map((j) => j.name);
  if (!held.includes(name)) throw new LoomError(`no study ${showValue(name)} in ${db.location} (it holds: ${held.length ? held.join(', ') : 'none'})`);
  // Reading needs no sampler.
  return Study.open({ backend: db.open<JournalOp>(name), name, sampler: new RandomSampler() });
}

export function registerTune(program: Command): void {
  const tune = program.command('tune').description('hyperparameter search: studies in an SQLite file or PostgreSQL, shared by any number of tuners');
  tune
    .command('run')
    .description('run (or join) the study a tune file describes until it holds its trials')
    .argument('<file>', 'tune file (.yaml or .json); see examples/tune-branin.yaml')
    .option('--trials <n>', "the study's trial count (overrides the file)")
    .option('--store <where>', 'SQLite file or postgresql:// URL (overrides the file)')
    .option('--stop-at <value>', 'end the search once a trial reports a value this good (>= when maximizing, <= when minimizing)')
    .option('--plain', 'one line per trial instead of a live status line')
    .action(async (path: string, opts: { trials?: string; store?: string; stopAt?: string; plain?: boolean }) => {
      const file = parseTuneFile(readConfigFile(path));
      const trials = positive('--trials', opts.trials);
      const stopAt = opts.stopAt === undefined ? undefined : Number(opts.stopAt);
      if (stopAt !== undefined && (opts.stopAt?.trim() === '' || !Number.isFinite(stopAt))) throw new LoomError(`--stop-at must be a number; got ${showValue(opts.stopAt)}`);
      const live = !opts.plain && process.stdout.isTTY;
      const { study, db } = await runTuneFile(opts.store ? { ...file, store: opts.store } : file, {
        ...(trials ? { trials } : {}),
        ...(stopAt !== undefined ? { stopAt } : {}),
        baseDir: tuneFileDir(path),
        onTrial: (trial, s) => {
          const line = summaryLine(summarize(s.name, s.direction, s.trials()));
          // A failure is always a line of its own, with its reason: the status line would only count it.
          const failure = trial.state === 'failed' ? `${trialLine(trial)}\n` : null;
          if (live) process.stdout.write(`\r\x1b[2K${failure ?? ''}${line.slice(0, (process.stdout.columns ?? 120) - 1)}`);
          else process.stdout.write(`${trialLine(trial)}\n`);
        },
      });
      try {
        await study.refresh();
        if (live) process.stdout.write('\n');
        process.stdout.write(`${summaryLine(summarize(study.name, study.direction, study.trials()))}\n`);
        process.stdout.write(`store: ${db.location}\n`);
      } finally {
        await db.close();
      }
    });
  tune
    .command('status')
    .description("the studies in a store, or one study's trials")
    .argument('<store>', 'SQLite file or postgresql:// URL')
    .option('--study <name>', 'show this study: counts, the best trial and every trial')
    .action(async (where: string, opts: { study?: string }) => {
      const db = await openJournals(where);
      try {
        const names = (await db.list()).map((j) => j.name);
        const chosen = opts.study === undefined ? names : [opts.study];
        for (const name of chosen) {
          const study = await openExistingStudy(db, name, names);
          process.stdout.write(`${summaryLine(summarize(study.name, study.direction, study.trials()))}\n`);
          if (opts.study !== undefined) {
            const [header, ...rows] = trialTable(study.trials());
            process.stdout.write(`${alignedTable(header, rows).join('\n')}\n`);
          }
        }
        if (chosen.length === 0) process.stdout.write(`no studies in ${db.location}\n`);
      } finally {
        await db.close();
      }
    });
  tune
    .command('report')
    .description("a study's report: optimization history, intermediate values, parallel coordinates and parameter importance (SVG), trials.csv and report.html")
    .argument('<store>', 'SQLite file or postgresql:// URL')
    .requiredOption('--study <name>', 'the study to report on')
    .option('--out <dir>', 'where the report goes (default: runs/tune/<study>-report)')
    .action(async (where: string, opts: { study: string; out?: string }) => {
      const db = await openJournals(where);
      try {
        const study = await openExistingStudy(db, opts.study);
        const summary = summarize(study.name, study.direction, study.trials());
        if (summary.best === null) throw new LoomError(`study ${showValue(study.name)} in ${db.location} has no complete trial yet (${summary.trials} trials): nothing to report`);
        // A study name may hold characters a file name should not.
        const out = resolve(opts.out ?? join('runs', 'tune', `${study.name.replace(/[^\w.-]+/g, '_')}-report`));
        ensureWritableDir(out, 'report directory');
        const { importance } = writeStudyReport(out, study.name, study.direction, study.trials());
        process.stdout.write(`${summaryLine(summary)}\n`);
        process.stdout.write(
          importance.ok
            ? `importance (fANOVA, ${importance.trials} complete trials): ${importance.params.map((p) => `${p.name} ${(100 * p.importance).toFixed(1)}%`).join(', ')}\n`
            : `importance: ${importance.reason}\n`,
        );
        process.stdout.write(`wrote ${join(out, 'report.html')} (with history.svg, intermediate.svg, parallel-coordinates.svg, importance.svg, trials.csv)\n`);
      } finally {
        await db.close();
      }
    });
}
