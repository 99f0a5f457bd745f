export { exportTrig, exportPaths, writeTrig, type ExportSummary } from './trig.js';
