export { parseModes, parsePurpose, parseDuration, purposeLabel, timeLeft, COMMON_PURPOSES, GRANT_MODES, MODE_IRI, DPV, ACL, ACP, ODRL, LK, type GrantMode } from './terms.js';
export { addRules, removeRules, setOwnerOnly, accessDocOf, readAccessDoc, type AccessSystem, type RuleSpec } from './rules.js';
export { grantDocument, endDocument, ledgerUrl, revocationUrl, writeLedgerDocument } from './ledger.js';
export { wacRules, acpRules, type FoundRule } from './audit.js';
export { fetchAccessRequest, displayText, type AccessRequest, type AccessNeed, type AccessMode, type FetchAccessRequestOptions, type AccessRequestResult } from './request.js';
