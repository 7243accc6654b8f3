/** report/: tables and summaries of runs. */
export { formatTimingTable } from './timing-table.js';
