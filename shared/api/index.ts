export { openLocker, Locker, type EditOutcome, type ImportError, type ImportOptions, type ImportProgress, type ImportSummary, type OpenLockerResult, type ShowResult } from './locker.js';
export { createHandlers, dispatch, Inputs, type CallContext, type Input, type LockerApi, type LockerEvent, type Operation, type Outputs } from './contract.js';
export { defaultHome, loadCaps } from './home.js';
