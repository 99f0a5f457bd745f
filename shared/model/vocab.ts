/** IRIs of the vocabularies Locker writes. Existing terms only; `lk:` is for the few things no vocabulary names. */
export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  schema: 'http://schema.org/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  as: 'https://www.w3.org/ns/activitystreams#',
  prov: 'http://www.w3.org/ns/prov#',
  geo: 'http://www.w3.org/2003/01/geo/wgs84_pos#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  dct: 'http://purl.org/dc/terms/',
  sh: 'http://www.w3.org/ns/shacl#',
  lk: 'https://w3id.org/locker/ns#',
} as const;

export type Prefix = keyof typeof NS;

/**
 * IRIs of the vocabularies of access control, consent and app descriptions:
 * Locker writes them only in access-control documents and the consent ledger,
 * and reads them in an app's access request. Never used in records, so kept
 * out of `NS` (whose prefixes the record and export writers declare).
 */
export const ACCESS_NS = {
  acl: 'http://www.w3.org/ns/auth/acl#',
  acp: 'http://www.w3.org/ns/solid/acp#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  dpv: 'https://w3id.org/dpv#',
  /** DPV's earlier home; its terms are read as the `dpv:` ones. */
  dpvW3c: 'http://www.w3.org/ns/dpv#',
  /** Solid Application Interoperability. */
  interop: 'http://www.w3.org/ns/solid/interop#',
  /** Solid-OIDC client-ID documents. */
  oidc: 'http://www.w3.org/ns/solid/oidc#',
  solid: 'http://www.w3.org/ns/solid/terms#',
  apods: 'http://activitypods.org/ns/core#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  /** schema.org as some documents spell it (Locker writes `NS.schema`). */
  schemaHttps: 'https://schema.org/',
} as const;

/** `iri('schema', 'name')` → `http://schema.org/name`. */
export function iri(prefix: Prefix, local: string): string {
  return NS[prefix] + local;
}

export const RDF_TYPE = iri('rdf', 'type');
export const XSD = {
  string: iri('xsd', 'string'),
  date: iri('xsd', 'date'),
  dateTime: iri('xsd', 'dateTime'),
  integer: iri('xsd', 'integer'),
  decimal: iri('xsd', 'decimal'),
  double: iri('xsd', 'double'),
  boolean: iri('xsd', 'boolean'),
  anyURI: iri('xsd', 'anyURI'),
} as const;

/** The local name of an IRI: the part after the last `#` or `/`. */
export function localName(full: string): string {
  const cut = Math.max(full.lastIndexOf('#'), full.lastIndexOf('/'));
  return cut >= 0 ? full.slice(cut + 1) : full;
}
