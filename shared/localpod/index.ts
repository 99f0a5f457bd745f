export { startCss, type CssFlavour, type CssOptions, type CssProcess, type StartCssResult } from './css-process.js';
export { createCssAccount, addClientCredentials, type CssAccount, type AccountResult } from './account.js';
export { startLocalPod, stopLocalPod, localPodStatus, type LocalPodOptions, type StartLocalPodResult, type StopLocalPodResult, type LocalPodStatus } from './control.js';
export { localPodPaths, type LocalPodPaths } from './paths.js';
export { readState, type LocalPodState } from './state.js';
export { localPasswordKey, readAccount, type LocalAccount, type ConnectionOutcome } from './local-account.js';
export { startLoopbackProxy, type LoopbackProxy, type ProxyResult } from './proxy.js';
