/**
 * Writes a study's report into a directory: history.svg, intermediate.svg,
 * parallel-coordinates.svg, importance.svg, trials.csv and report.html (the charts inline). Each
 * file is written to a temporary file and renamed into place, report.html last, so a reader sees
 * whole files only.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { paramImportances, type ImportanceResult } from '../importance/param-importances.js';
import type { Direction, FrozenTrial } from '../study/trial.js';
import { historySvg } from './history.js';
import { studyReportHtml, type StudyCharts } from './html.js';
import { importanceSvg } from './importance.js';
import { intermediateSvg } from './intermediate.js';
import { parallelCoordinatesSvg } from './parallel-coordinates.js';
import { trialsCsv } from './trials-csv.js';

export interface StudyReport {
  /** The paths written, report.html last. */
  readonly files: readonly string[];
  readonly importance: ImportanceResult;
}

export function studyCharts(trials: readonly FrozenTrial[], direction: Direction, importance: ImportanceResult): StudyCharts {
  return {
    history: historySvg(trials, direction),
    intermediate: intermediateSvg(trials),
    parallelCoordinates: parallelCoordinatesSvg(trials, direction),
    importance: importanceSvg(importance),
  };
}

export function writeStudyReport(out: string, name: string, direction: Direction, trials: readonly FrozenTrial[]): StudyReport {
  const importance = paramImportances(trials);
  const charts = studyCharts(trials, direction, importance);
  const contents: [string, string][] = [
    ['history.svg', charts.history],
    ['intermediate.svg', charts.intermediate],
    ['parallel-coordinates.svg', charts.parallelCoordinates],
    ['importance.svg', charts.importance],
    ['trials.csv', trialsCsv(trials)],
    ['report.html', studyReportHtml(name, direction, trials, charts)],
  ];
  const files = contents.map(([file, text]) => {
    const path = join(out, file);
    writeFileAtomic(path, new TextEncoder().encode(text));
    return path;
  });
  return { files, importance };
}
