import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { sha256Hex } from '../../shared/model/index.js';

/** A digest of everything in a locker's database, to prove that a failed command changed nothing. */
export function snapshot(home: string): { digest: string; records: number } {
  const db = new Database(path.join(home, 'locker.db'), { readonly: true });
  try {
    const parts: string[] = [];
    for (const table of ['records', 'record_emails', 'binaries', 'record_binaries']) {
      const rows = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
      parts.push(table, JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? sha256Hex(v) : v)));
    }
    parts.push(JSON.stringify(db.prepare("SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH 'a* OR e* OR i* OR o*'").get()));
    const records = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    return { digest: sha256Hex(parts.join('\n')), records };
  } finally {
    db.close();
  }
}
