export { parseModes, parsePurpose, parseDuration, purposeLabel, timeLeft, COMMON_PURPOSES, type GrantMode } from './terms.js';
export { addRules, removeRules, setOwnerOnly, setPublicRead, accessDocOf, readAccessDoc, type AccessSystem, type RuleSpec } from './rules.js';
export { grantDocument, endDocument, ledgerUrl, revocationUrl, writeLedgerDocument } from './ledger.js';
export { wacRules, acpRules, type FoundRule } from './audit.js';
export { displayText } from '../model/index.js';
export { fetchAccessRequest, type AccessRequest, type AccessNeed, type AccessMode, type FetchAccessRequestOptions, type AccessRequestResult } from './request.js';
export { ensurePublicTypeIndex } from './public-index.js';
