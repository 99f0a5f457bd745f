import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { getResource, headResource, HttpError, parseLinks, patchResource, putResource, type PodContext } from '../pod/index.js';
import { ACCESS_NS, NS, RDF_TYPE } from '../model/index.js';
import { MODE_IRI, type GrantMode } from './terms.js';

const { acl: ACL, acp: ACP } = ACCESS_NS;
const LK = NS.lk;

/**
 * Writes and removes one grant's rules in a resource's access-control
 * document (WAC `.acl` or ACP `.acr`). Rules are inserted with N3 Patch
 * next to whatever is there; a document created from nothing always gives
 * the owner Read, Write and Control first. Every node a grant adds is named
 * `#locker-grant-<id>…`, so revoking deletes exactly those triples.
 */

export type AccessSystem = 'wac' | 'acp';

export interface RuleSpec {
  /** Names the nodes: `locker-grant-<id>` or `locker-ledger-<id>`. */
  readonly key: string;
  readonly agent: string;
  readonly client?: string;
  readonly modes: readonly GrantMode[];
  /** The resource the rule is about; a container's rule also covers its members. */
  readonly resource: string;
  readonly container: boolean;
  /** The grant's ledger document (recorded in the rule, so the pod itself says whose rule it is). */
  readonly ledger: string;
}

type Triple = readonly [string, string, string];

const iri = (s: string) => `<${s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}>`;
/**
 * An app's client id: a client-ID document URL is an IRI; the ids of client
 * credentials (CSS: `name_uuid`, not IRIs) are matched as literals.
 */
function clientTerm(client: string): string {
  return /^https?:\/\//.test(client) ? iri(client) : JSON.stringify(client);
}
const toText = (ts: readonly Triple[]) => ts.map(([s, p, o]) => `${s} ${p} ${o}.`).join('\n');

/** The access-control document of a resource, from its `Link: rel="acl"`. */
export async function accessDocOf(ctx: PodContext, resource: string): Promise<string> {
  const head = await headResource(ctx, resource);
  if (head.kind !== 'ok') throw new HttpError(404, resource, `${resource} does not exist on the pod`);
  const link = parseLinks(head.headers.get('link'), resource).find((l) => l.rel === 'acl');
  if (!link) throw new HttpError(0, resource, `the pod names no access-control document for ${resource}`);
  return link.url;
}

export async function readAccessDoc(ctx: PodContext, doc: string): Promise<{ kind: 'absent' } | { kind: 'ok'; quads: Quad[] }> {
  const got = await getResource(ctx, doc);
  if (got.kind === 'absent') return got;
  return { kind: 'ok', quads: new Parser({ baseIRI: doc, format: 'text/turtle' }).parse(got.body) };
}

function ownerTriples(system: AccessSystem, doc: string, owner: string, resource: string, container: boolean): Triple[] {
  if (system === 'wac') {
    const n = iri(`${doc}#locker-owner`);
    const out: Triple[] = [
      [n, iri(RDF_TYPE), iri(`${ACL}Authorization`)],
      [n, iri(`${ACL}agent`), iri(owner)],
      [n, iri(`${ACL}accessTo`), iri(resource)],
      [n, iri(`${ACL}mode`), iri(`${ACL}Read`)],
      [n, iri(`${ACL}mode`), iri(`${ACL}Write`)],
      [n, iri(`${ACL}mode`), iri(`${ACL}Control`)],
    ];
    if (container) out.push([n, iri(`${ACL}default`), iri(resource)]);
    return out;
  }
  const acr = iri(doc);
  const ac = iri(`${doc}#locker-owner`);
  const policy = iri(`${doc}#locker-owner-policy`);
  const matcher = iri(`${doc}#locker-owner-matcher`);
  const out: Triple[] = [
    [acr, iri(RDF_TYPE), iri(`${ACP}AccessControlResource`)],
    [acr, iri(`${ACP}resource`), iri(resource)],
    [acr, iri(`${ACP}accessControl`), ac],
    [ac, iri(RDF_TYPE), iri(`${ACP}AccessControl`)],
    [ac, iri(`${ACP}apply`), policy],
    [policy, iri(RDF_TYPE), iri(`${ACP}Policy`)],
    [policy, iri(`${ACP}allow`), iri(`${ACL}Read`)],
    [policy, iri(`${ACP}allow`), iri(`${ACL}Write`)],
    [policy, iri(`${ACP}allow`), iri(`${ACL}Control`)],
    [policy, iri(`${ACP}anyOf`), matcher],
    [matcher, iri(RDF_TYPE), iri(`${ACP}Matcher`)],
    [matcher, iri(`${ACP}agent`), iri(owner)],
  ];
  if (container) out.push([acr, iri(`${ACP}memberAccessControl`), ac]);
  return out;
}

/** The triples one grant adds. `acrSubject`: the ACR's own node (ACP), where `acp:accessControl` links are added. */
function grantTriples(system: AccessSystem, doc: string, spec: RuleSpec, acrSubject: string): Triple[] {
  const n = `${doc}#${spec.key}`;
  if (system === 'wac') {
    const s = iri(n);
    const out: Triple[] = [
      [s, iri(RDF_TYPE), iri(`${ACL}Authorization`)],
      [s, iri(`${ACL}agent`), iri(spec.agent)],
      [s, iri(`${ACL}accessTo`), iri(spec.resource)],
      [s, iri(`${LK}grant`), iri(spec.ledger)],
    ];
    if (spec.container) out.push([s, iri(`${ACL}default`), iri(spec.resource)]);
    for (const m of spec.modes) out.push([s, iri(`${ACL}mode`), iri(MODE_IRI[m])]);
    return out;
  }
  const ac = iri(n);
  const policy = iri(`${n}-policy`);
  const matcher = iri(`${n}-matcher`);
  const out: Triple[] = [
    [iri(acrSubject), iri(`${ACP}accessControl`), ac],
    [ac, iri(RDF_TYPE), iri(`${ACP}AccessControl`)],
    [ac, iri(`${ACP}apply`), policy],
    [ac, iri(`${LK}grant`), iri(spec.ledger)],
    [policy, iri(RDF_TYPE), iri(`${ACP}Policy`)],
    [policy, iri(`${ACP}allOf`), matcher],
    [matcher, iri(RDF_TYPE), iri(`${ACP}Matcher`)],
    [matcher, iri(`${ACP}agent`), iri(spec.agent)],
  ];
  if (spec.client) out.push([matcher, iri(`${ACP}client`), clientTerm(spec.client)]);
  for (const m of spec.modes) out.push([policy, iri(`${ACP}allow`), iri(MODE_IRI[m])]);
  if (spec.container) out.push([iri(acrSubject), iri(`${ACP}memberAccessControl`), ac]);
  return out;
}

function acrSubjectOf(doc: string, quads: readonly Quad[]): string {
  return quads.find((q) => q.predicate.value === `${ACP}resource`)?.subject.value ?? quads.find((q) => q.object.value === `${ACP}AccessControlResource`)?.subject.value ?? doc;
}

/** Adds a grant's rules for one resource (idempotent: an applied grant is left as it is). */
export async function addRules(ctx: PodContext, system: AccessSystem, owner: string, spec: RuleSpec): Promise<{ doc: string; created: boolean }> {
  const doc = await accessDocOf(ctx, spec.resource);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readAccessDoc(ctx, doc);
    if (current.kind === 'absent') {
      // A new document replaces what the resource inherited: the owner's full access goes in first.
      const body = toText([...ownerTriples(system, doc, owner, spec.resource, spec.container), ...grantTriples(system, doc, spec, doc)]);
      const put = await putResource(ctx, doc, `${body}\n`, 'text/turtle', { mode: 'create' });
      if (put.kind === 'ok') return { doc, created: true };
      continue; // someone created it meanwhile: merge into theirs
    }
    if (current.quads.some((q) => q.subject.value === `${doc}#${spec.key}`)) return { doc, created: false };
    const triples = grantTriples(system, doc, spec, acrSubjectOf(doc, current.quads));
    const r = await patchResource(ctx, doc, { inserts: toText(triples) });
    if (r.kind === 'ok') return { doc, created: false };
  }
  throw new HttpError(409, doc, `${doc} kept changing while Locker tried to add a rule; try again`);
}

/**
 * Makes `resource` (a container) private to its owner with an access-control
 * document of its own: the owner's Read/Write/Control and nothing else,
 * whatever was there before. Used for the backup container, which no grant
 * may ever open (grants can only name Locker's record containers).
 */
export async function setOwnerOnly(ctx: PodContext, system: AccessSystem, owner: string, resource: string): Promise<{ doc: string }> {
  const doc = await accessDocOf(ctx, resource);
  return replaceAccessDoc(ctx, doc, `${toText(ownerTriples(system, doc, owner, resource, true))}\n`, `make ${resource} private`);
}

/** Writes an access-control document whole, whatever was there (created if absent; tried again if it appeared meanwhile). */
async function replaceAccessDoc(ctx: PodContext, doc: string, body: string, what: string): Promise<{ doc: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readAccessDoc(ctx, doc);
    const put = await putResource(ctx, doc, body, 'text/turtle', current.kind === 'absent' ? { mode: 'create' } : { mode: 'overwrite' });
    if (put.kind === 'ok') return { doc };
  }
  throw new HttpError(409, doc, `${doc} kept changing while Locker tried to ${what}; try again`);
}

/**
 * Makes one document readable by everyone (its owner keeps Read/Write/Control), with an access-control
 * document of its own: for the public type index, which apps read before anyone logs in.
 */
export async function setPublicRead(ctx: PodContext, system: AccessSystem, owner: string, resource: string): Promise<{ doc: string }> {
  const doc = await accessDocOf(ctx, resource);
  const pub: Triple[] =
    system === 'wac'
      ? [
          [iri(`${doc}#locker-public`), iri(RDF_TYPE), iri(`${ACL}Authorization`)],
          [iri(`${doc}#locker-public`), iri(`${ACL}agentClass`), iri(`${ACCESS_NS.foaf}Agent`)],
          [iri(`${doc}#locker-public`), iri(`${ACL}accessTo`), iri(resource)],
          [iri(`${doc}#locker-public`), iri(`${ACL}mode`), iri(`${ACL}Read`)],
        ]
      : [
          [iri(doc), iri(`${ACP}accessControl`), iri(`${doc}#locker-public`)],
          [iri(`${doc}#locker-public`), iri(RDF_TYPE), iri(`${ACP}AccessControl`)],
          [iri(`${doc}#locker-public`), iri(`${ACP}apply`), iri(`${doc}#locker-public-policy`)],
          [iri(`${doc}#locker-public-policy`), iri(RDF_TYPE), iri(`${ACP}Policy`)],
          [iri(`${doc}#locker-public-policy`), iri(`${ACP}allow`), iri(`${ACL}Read`)],
          [iri(`${doc}#locker-public-policy`), iri(`${ACP}anyOf`), iri(`${doc}#locker-public-matcher`)],
          [iri(`${doc}#locker-public-matcher`), iri(RDF_TYPE), iri(`${ACP}Matcher`)],
          [iri(`${doc}#locker-public-matcher`), iri(`${ACP}agent`), iri(`${ACP}PublicAgent`)],
        ];
  return replaceAccessDoc(ctx, doc, `${toText([...ownerTriples(system, doc, owner, resource, false), ...pub])}\n`, `make ${resource} readable by everyone`);
}

function termText(t: Quad['object']): string {
  if (t.termType === 'NamedNode') return iri(t.value);
  if (t.termType === 'Literal') {
    const v = JSON.stringify(t.value);
    return t.language ? `${v}@${t.language}` : `${v}^^${iri(t.datatype.value)}`;
  }
  return `_:${t.value}`;
}

/** Removes exactly the triples of nodes named `#<key>…` (and the links to them), whatever else is in the document. */
export async function removeRules(ctx: PodContext, resource: string, key: string): Promise<{ doc: string; removed: number }> {
  let doc: string;
  try {
    doc = await accessDocOf(ctx, resource);
  } catch (e) {
    // The resource is gone: so are its rules.
    if (e instanceof HttpError && e.status === 404) return { doc: '', removed: 0 };
    throw e;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readAccessDoc(ctx, doc);
    if (current.kind === 'absent') return { doc, removed: 0 };
    const prefix = `${doc}#${key}`;
    const ours = (v: string) => v === prefix || v.startsWith(`${prefix}-`);
    const mine = current.quads.filter((q) => ours(q.subject.value) || (q.object.termType === 'NamedNode' && ours(q.object.value)));
    if (mine.length === 0) return { doc, removed: 0 };
    const deletes = mine.map((q) => `${termText(q.subject as Quad['object'])} ${iri(q.predicate.value)} ${termText(q.object)}.`).join('\n');
    const r = await patchResource(ctx, doc, { deletes });
    if (r.kind === 'ok') return { doc, removed: mine.length };
  }
  throw new HttpError(409, doc, `${doc} kept changing while Locker tried to remove a rule; try again`);
}
