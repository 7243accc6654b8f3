/** report/: tables and summaries of runs. */
export { formatTimingTable } from './timing-table.js';
export { robustCsv, robustHeatmaps, robustHtml, robustMarkdown, type Heatmap, type RobustCellResult, type WorstCase } from './robust-report.js';
export { alignedTable } from './text-table.js';
