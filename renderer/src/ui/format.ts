import type { JsonValue, RecordJson } from '../../../shared/model/index.js';

export const TYPE_LABELS: Readonly<Record<string, { one: string; many: string; icon: string }>> = {
  contact: { one: 'Contact', many: 'Contacts', icon: 'Ct' },
  event: { one: 'Event', many: 'Calendar', icon: 'Ev' },
  place: { one: 'Place', many: 'Places', icon: 'Pl' },
  track: { one: 'Trip', many: 'Trips', icon: 'Tr' },
  photo: { one: 'Photo', many: 'Photos', icon: 'Ph' },
  purchase: { one: 'Purchase', many: 'Money', icon: '€' },
  health: { one: 'Health entry', many: 'Health', icon: '♥' },
  post: { one: 'Post', many: 'Posts', icon: 'Po' },
  message: { one: 'Message', many: 'Mail', icon: '@' },
  bookmark: { one: 'Bookmark', many: 'Bookmarks', icon: 'Bm' },
  reading: { one: 'Book', many: 'Reading', icon: 'Bk' },
  note: { one: 'Note', many: 'Notes', icon: 'No' },
};

export function typeLabel(t: string, many = false): string {
  const l = TYPE_LABELS[t];
  return l ? (many ? l.many : l.one) : t;
}

/** A human date from an ISO date or date-time (kept as written when it has no time). */
export function when(iso: string | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return new Date(`${iso}T12:00:00`).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The first value found under `key`, anywhere in a record's properties (nested nodes included). */
export function deep(v: JsonValue | undefined, key: string, depth = 0): JsonValue | undefined {
  if (v === null || v === undefined || depth > 5) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = deep(x, key, depth + 1);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (typeof v !== 'object') return undefined;
  if (Object.hasOwn(v, key)) return v[key];
  for (const x of Object.values(v)) {
    const f = deep(x, key, depth + 1);
    if (f !== undefined) return f;
  }
  return undefined;
}

export function num(v: JsonValue | undefined): number | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  const n = typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function text(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'object') {
    // A node like an email or a phone: its value is what a person reads.
    if (Object.hasOwn(v, 'value')) return text(v['value']);
    return Object.entries(v)
      .filter(([k]) => k !== 'type')
      .map(([k, x]) => `${k}: ${text(x)}`)
      .join('; ');
  }
  return String(v).replace(/^mailto:|^tel:/, '');
}

export function prop(r: RecordJson, key: string): JsonValue | undefined {
  return deep(r.properties, key);
}

export function money(amount: number, currency: string | undefined): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency && /^[A-Z]{3}$/.test(currency) ? currency : 'XXX' }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency ?? ''}`;
  }
}

/** Names a person reads for the vocabularies' terms (the rest are spelled out from the term). */
const LABELS: Readonly<Record<string, string>> = {
  fn: 'Name',
  hasName: 'Name parts',
  hasEmail: 'Email',
  hasTelephone: 'Phone',
  hasAddress: 'Address',
  hasUID: 'UID',
  hasPhoto: 'Photo',
  bday: 'Birthday',
  'organization-name': 'Organisation',
  tag: 'Tags',
  startDate: 'Start',
  endDate: 'End',
  contentUrl: 'Picture',
  thumbnailUrl: 'Thumbnail',
  hasGeometry: 'Route',
  sha256: 'SHA-256',
};

/** "fn" → "Name", "startDate" → "Start", "organizer" → "Organizer"; a full IRI by its last part. */
export function fieldLabel(term: string): string {
  const name = term.replace(/^.*[#/]/, '');
  const known = LABELS[name];
  if (known) return known;
  const s = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/-/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
