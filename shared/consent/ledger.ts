import { putResource, type PodContext } from '../pod/index.js';
import type { GrantRow } from '../store/index.js';
import { ACCESS_NS, NS } from '../model/index.js';
import { ODRL_ACTION, type GrantMode } from './terms.js';

/**
 * The consent ledger: every grant and every revocation is an RDF document
 * on the pod (an ODRL agreement with a DPV purpose and a dateTime
 * constraint), readable by the grantee — both sides hold the contract.
 */

const esc = (s: string) => JSON.stringify(s);
const iri = (s: string) => `<${s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, '')}>`;

export function ledgerUrl(root: string, grantId: string): string {
  return `${root}consent/${grantId}.ttl`;
}

export function revocationUrl(root: string, grantId: string): string {
  return `${root}consent/${grantId}-ended.ttl`;
}

export function grantDocument(g: Pick<GrantRow, 'id' | 'agent' | 'client' | 'targets' | 'modes' | 'purpose' | 'createdMs' | 'untilMs' | 'request'>, owner: string): string {
  const actions = [...new Set(g.modes.map((m) => ODRL_ACTION[m as GrantMode]).filter(Boolean))];
  const lines = [
    `@prefix odrl: <${ACCESS_NS.odrl}>.`,
    `@prefix dpv: <${ACCESS_NS.dpv}>.`,
    `@prefix dct: <${NS.dct}>.`,
    `@prefix xsd: <${NS.xsd}>.`,
    `@prefix lk: <${NS.lk}>.`,
    '',
    `<#policy> a odrl:Agreement;`,
    `    odrl:uid <#policy>;`,
    `    dct:identifier ${esc(g.id)};`,
    `    dct:created ${esc(new Date(g.createdMs).toISOString())}^^xsd:dateTime;`,
    `    odrl:assigner ${iri(owner)};`,
    `    odrl:assignee ${iri(g.agent)};`,
    `    dpv:hasPurpose ${iri(g.purpose)};`,
    ...(g.request ? [`    lk:request ${iri(g.request)};`] : []),
    `    odrl:permission <#permission>.`,
    `<#permission> a odrl:Permission;`,
    `    odrl:assigner ${iri(owner)};`,
    `    odrl:assignee ${iri(g.agent)};`,
    ...g.targets.map((t) => `    odrl:target ${iri(t.url)};`),
    ...actions.map((a) => `    odrl:action ${iri(a)};`),
    ...g.modes.map((m) => `    lk:mode ${esc(m)};`),
    ...(g.client ? [`    lk:client ${/^https?:\/\//.test(g.client) ? iri(g.client) : esc(g.client)};`] : []),
    `    odrl:constraint <#until>.`,
    `<#until> a odrl:Constraint;`,
    `    odrl:leftOperand odrl:dateTime;`,
    `    odrl:operator odrl:lt;`,
    `    odrl:rightOperand ${esc(new Date(g.untilMs).toISOString())}^^xsd:dateTime.`,
    '',
  ];
  return lines.join('\n');
}

export function endDocument(g: Pick<GrantRow, 'id' | 'agent'>, owner: string, grantDoc: string, reason: 'revoked' | 'expired', atMs: number): string {
  return [
    `@prefix odrl: <${ACCESS_NS.odrl}>.`,
    `@prefix dct: <${NS.dct}>.`,
    `@prefix xsd: <${NS.xsd}>.`,
    `@prefix lk: <${NS.lk}>.`,
    '',
    `<#end> a lk:${reason === 'expired' ? 'Expiry' : 'Revocation'};`,
    `    dct:identifier ${esc(g.id)};`,
    `    lk:ends ${iri(`${grantDoc}#policy`)};`,
    `    odrl:assigner ${iri(owner)};`,
    `    odrl:assignee ${iri(g.agent)};`,
    `    dct:created ${esc(new Date(atMs).toISOString())}^^xsd:dateTime.`,
    '',
  ].join('\n');
}

export async function writeLedgerDocument(ctx: PodContext, url: string, body: string): Promise<void> {
  await putResource(ctx, url, body, 'text/turtle', { mode: 'overwrite' });
}
