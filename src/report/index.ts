/** report/: tables and summaries of runs. */
export { formatTimingTable } from './timing-table.js';
export { robustCsv, robustHeatmaps, robustHtml, robustMarkdown, type Heatmap, type RobustCellResult, type WorstCase } from './robust-report.js';
export { alignedTable } from './text-table.js';
export { firstReach, gridMarkdown, gridSummaryCsv, secondsKind, summarizeGrid, type CellSummary, type GridReportRun, type SecondsKind, type ToTarget } from './grid-summary.js';
export { gridCharts, meanCurve, type GridCharts } from './grid-charts.js';
export { gridHtml } from './grid-report.js';
export { lineChart, type LineChartOptions, type LineSeries } from './line-chart.js';
export { stepOverlaps, timelineChart, type StepOverlap } from './timeline-chart.js';
