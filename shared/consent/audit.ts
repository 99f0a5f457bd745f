import type { Quad } from '@rdfjs/types';
import { ACCESS_NS, RDF_TYPE } from '../model/index.js';

/** One rule found on the pod, in plain terms. */
export interface FoundRule {
  /** The resource whose access-control document holds the rule. */
  readonly resource: string;
  readonly doc: string;
  /** The rule's node (an IRI, or a blank-node label). */
  readonly node: string;
  readonly who: string[];
  readonly clients: string[];
  readonly allow: string[];
  readonly deny: string[];
  /** `this`, `members`, or `this and members`. */
  readonly scope: string;
}

const { acl: ACL, acp: ACP } = ACCESS_NS;
const FOAF_AGENT = `${ACCESS_NS.foaf}Agent`;

function local(iri: string): string {
  return iri.replace(/^.*[#/]/, '');
}

function agentName(iri: string): string {
  switch (iri) {
    case FOAF_AGENT:
    case `${ACP}PublicAgent`:
      return 'everyone';
    case `${ACL}AuthenticatedAgent`:
    case `${ACP}AuthenticatedAgent`:
      return 'anyone logged in';
    case `${ACP}CreatorAgent`:
      return 'the creator';
    case `${ACP}OwnerAgent`:
      return 'the owner';
    default:
      return iri;
  }
}

const values = (quads: readonly Quad[], s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);

/** The authorizations of a WAC `.acl` document. */
export function wacRules(resource: string, doc: string, quads: readonly Quad[]): FoundRule[] {
  const nodes = new Set(quads.filter((q) => (q.predicate.value === RDF_TYPE && q.object.value === `${ACL}Authorization`) || q.predicate.value === `${ACL}mode`).map((q) => q.subject.value));
  return [...nodes].map((n) => {
    const to = values(quads, n, `${ACL}accessTo`).includes(resource);
    const def = values(quads, n, `${ACL}default`).includes(resource);
    return {
      resource,
      doc,
      node: n,
      who: [...values(quads, n, `${ACL}agent`), ...values(quads, n, `${ACL}agentClass`).map(agentName), ...values(quads, n, `${ACL}agentGroup`).map((g) => `group ${g}`)],
      clients: values(quads, n, `${ACL}origin`).map((o) => `origin ${o}`),
      allow: values(quads, n, `${ACL}mode`).map(local),
      deny: [],
      scope: to && def ? 'this and members' : def ? 'members' : to ? 'this' : 'other resources',
    };
  });
}

/** The access controls of an ACP `.acr` document, one rule per policy. */
export function acpRules(resource: string, doc: string, quads: readonly Quad[]): FoundRule[] {
  const out: FoundRule[] = [];
  const acr = quads.find((q) => q.predicate.value === `${ACP}resource`)?.subject.value ?? doc;
  const own = new Set(values(quads, acr, `${ACP}accessControl`));
  const members = new Set(values(quads, acr, `${ACP}memberAccessControl`));
  for (const ac of new Set([...own, ...members])) {
    for (const policy of values(quads, ac, `${ACP}apply`)) {
      const matchers = [...values(quads, policy, `${ACP}allOf`), ...values(quads, policy, `${ACP}anyOf`)];
      out.push({
        resource,
        doc,
        node: ac,
        who: matchers.flatMap((m) => values(quads, m, `${ACP}agent`).map(agentName)),
        clients: matchers.flatMap((m) => values(quads, m, `${ACP}client`).map((c) => `app ${c}`)),
        allow: values(quads, policy, `${ACP}allow`).map(local),
        deny: values(quads, policy, `${ACP}deny`).map(local),
        scope: own.has(ac) && members.has(ac) ? 'this and members' : members.has(ac) ? 'members' : 'this',
      });
    }
  }
  return out;
}
