import type Database from 'better-sqlite3-multiple-ciphers';

export type GrantState = 'pending' | 'active' | 'revoking' | 'revoked' | 'expired';

/** One resource a grant opens: a type's container (with everything in it) or one document. */
export interface GrantTarget {
  readonly url: string;
  readonly container: boolean;
  /** What the person chose, in their words: `event`, `events/abc.ttl`. */
  readonly label: string;
}

export interface GrantRow {
  readonly id: string;
  readonly agent: string;
  readonly client: string | undefined;
  readonly targets: readonly GrantTarget[];
  readonly modes: readonly string[];
  readonly purpose: string;
  readonly createdMs: number;
  readonly untilMs: number;
  readonly state: GrantState;
  readonly endedMs: number | undefined;
  readonly podRoot: string;
  readonly accessControl: string;
  readonly ledger: string;
  /** The access request it answered (client-ID document URL), if any. */
  readonly request: string | undefined;
}

interface Raw {
  id: string;
  agent: string;
  client: string | null;
  targets: string;
  modes: string;
  purpose: string;
  created_ms: number;
  until_ms: number;
  state: GrantState;
  ended_ms: number | null;
  pod_root: string;
  access_control: string;
  ledger: string;
  request: string | null;
}

function toRow(r: Raw): GrantRow {
  return {
    id: r.id,
    agent: r.agent,
    client: r.client ?? undefined,
    targets: JSON.parse(r.targets) as GrantTarget[],
    modes: JSON.parse(r.modes) as string[],
    purpose: r.purpose,
    createdMs: r.created_ms,
    untilMs: r.until_ms,
    state: r.state,
    endedMs: r.ended_ms ?? undefined,
    podRoot: r.pod_root,
    accessControl: r.access_control,
    ledger: r.ledger,
    request: r.request ?? undefined,
  };
}

/** The local record of grants (the pod has the rules and the ledger). */
export class GrantTable {
  constructor(private readonly db: Database.Database) {}

  insert(g: Omit<GrantRow, 'state' | 'endedMs'>): void {
    this.db
      .prepare(
        `INSERT INTO grants (id, agent, client, targets, modes, purpose, created_ms, until_ms, state, pod_root, access_control, ledger, request)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(g.id, g.agent, g.client ?? null, JSON.stringify(g.targets), JSON.stringify(g.modes), g.purpose, g.createdMs, g.untilMs, g.podRoot, g.accessControl, g.ledger, g.request ?? null);
  }

  setState(id: string, state: GrantState, endedMs?: number): void {
    this.db.prepare('UPDATE grants SET state = ?, ended_ms = COALESCE(?, ended_ms) WHERE id = ?').run(state, endedMs ?? null, id);
  }

  get(id: string): GrantRow | undefined {
    const r = this.db.prepare<[string], Raw>('SELECT * FROM grants WHERE id = ?').get(id);
    return r ? toRow(r) : undefined;
  }

  list(opts: { all?: boolean } = {}): GrantRow[] {
    const sql = opts.all ? 'SELECT * FROM grants ORDER BY created_ms, id' : "SELECT * FROM grants WHERE state IN ('pending', 'active', 'revoking') ORDER BY created_ms, id";
    return this.db.prepare<[], Raw>(sql).all().map(toRow);
  }
}
