export { startCss, stopChild, cssBin, type CssFlavour, type CssOptions, type CssProcess, type StartCssResult } from './css-process.js';
export { createCssAccount, type CssAccount, type AccountResult } from './account.js';
