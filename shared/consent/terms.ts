/** The words of a grant: purposes (DPV), modes, durations. */
import { ACCESS_NS } from '../model/index.js';

const { dpv: DPV, acl: ACL, odrl: ODRL } = ACCESS_NS;

export type GrantMode = 'read' | 'append' | 'write';
const GRANT_MODES: readonly GrantMode[] = ['read', 'append', 'write'];

export const MODE_IRI: Readonly<Record<GrantMode, string>> = { read: `${ACL}Read`, append: `${ACL}Append`, write: `${ACL}Write` };
export const ODRL_ACTION: Readonly<Record<GrantMode, string>> = { read: `${ODRL}read`, append: `${ODRL}modify`, write: `${ODRL}modify` };

/** `read,append` → modes. */
export function parseModes(text: string): { kind: 'ok'; modes: GrantMode[] } | { kind: 'error'; message: string } {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) return { kind: 'error', message: 'give at least one mode: read, append or write' };
  const out = new Set<GrantMode>();
  for (const p of parts) {
    if (!(GRANT_MODES as readonly string[]).includes(p)) return { kind: 'error', message: `unknown mode "${p.slice(0, 40)}" (read, append, write)` };
    out.add(p as GrantMode);
  }
  return { kind: 'ok', modes: GRANT_MODES.filter((m) => out.has(m)) };
}

/** Purposes people pick most often, with plain words for them. Any other DPV term is accepted too. */
export const COMMON_PURPOSES: Readonly<Record<string, string>> = {
  ServiceProvision: 'to provide a service you asked for',
  PersonalisedBenefits: 'to give you personalised benefits',
  ResearchAndDevelopment: 'for research and development',
  CommunicationManagement: 'to communicate with you',
  Personalisation: 'to personalise what you see',
  AcademicResearch: 'for academic research',
  HealthcareDelivery: 'to deliver healthcare',
};

/** `dpv:ServiceProvision`, `ServiceProvision` or a full `https://w3id.org/dpv#…` IRI. */
export function parsePurpose(text: string): { kind: 'ok'; iri: string } | { kind: 'error'; message: string } {
  const t = text.trim();
  const local = t.startsWith(DPV) ? t.slice(DPV.length) : t.startsWith('dpv:') ? t.slice(4) : /^[A-Z]/.test(t) ? t : undefined;
  if (local === undefined || !/^[A-Z][A-Za-z0-9]{2,80}$/.test(local)) {
    return { kind: 'error', message: `the purpose must be a DPV term such as dpv:ServiceProvision (got "${t.slice(0, 80)}")` };
  }
  return { kind: 'ok', iri: `${DPV}${local}` };
}

export function purposeLabel(iri: string): string {
  const local = iri.startsWith(DPV) ? iri.slice(DPV.length) : iri;
  return COMMON_PURPOSES[local] ?? local.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30d`, `12h`, `2w`, `90m`, `45s` → milliseconds. */
export function parseDuration(text: string): { kind: 'ok'; ms: number } | { kind: 'error'; message: string } {
  const m = /^(\d{1,6})\s*([smhdw])$/.exec(text.trim());
  const unit = m?.[2] ? UNIT_MS[m[2]] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) return { kind: 'error', message: `a duration is a number and a unit: 30d, 12h, 2w (got "${text.slice(0, 40)}")` };
  const ms = Number(m[1]) * unit;
  if (ms > 5 * 365 * 86_400_000) return { kind: 'error', message: 'a grant lasts five years at most' };
  return { kind: 'ok', ms };
}

/** "29 days", "3 hours", "expired". */
export function timeLeft(untilMs: number, nowMs: number): string {
  const left = untilMs - nowMs;
  if (left <= 0) return 'expired';
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [ms, name] of units) {
    if (left >= ms) {
      const n = Math.floor(left / ms);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'less than a second';
}
