export { exportTrig, exportPaths, type ExportSummary } from './trig.js';
