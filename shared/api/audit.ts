import { accessDocOf, acpRules, readAccessDoc, wacRules, type FoundRule } from '../consent/index.js';
import { HttpError, httpFailure, type PodFailure } from '../pod/index.js';
import { foreignDocuments } from '../sync/index.js';
import type { Locker } from './locker.js';
import { withPod, type PodEnv } from './pod.js';

export interface AuditRule extends FoundRule {
  /** Who wrote it: `grant <id>`, `ledger <id>`, `Locker (your access)`, `the pod (your access)`, or `not Locker`. */
  readonly by: string;
  readonly flagged: boolean;
  readonly note?: string;
}

export interface AuditReport {
  readonly accessControl: string;
  readonly rules: AuditRule[];
  /** Resources with no rules of their own: they inherit from the container above. */
  readonly inheriting: string[];
  /** Documents other apps put into Locker's containers, as the last sync found them: Locker leaves them alone. */
  readonly foreign: string[];
}

/** `locker audit`: the rules actually on the pod for the locker's containers, flagging what Locker did not write. */
export async function auditPod(locker: Locker, penv: PodEnv): Promise<{ kind: 'ok'; report: AuditReport } | PodFailure> {
  return withPod(locker, penv, async ({ session, layout, ctx }) => {
    const grants = new Map(locker.store.grants.list({ all: true }).map((g) => [g.id, g]));
    const resources = [layout.storage, layout.root, ...Object.values(layout.containers), layout.files, `${layout.root}consent/`];
    const rules: AuditRule[] = [];
    const inheriting: string[] = [];
    try {
      for (const resource of resources) {
        const head = await ctx.fetch(resource, { method: 'HEAD' });
        if (head.status === 404) continue;
        const doc = await accessDocOf(ctx, resource);
        const read = await readAccessDoc(ctx, doc);
        if (read.kind === 'absent') {
          inheriting.push(resource);
          continue;
        }
        const found = layout.accessControl === 'acp' ? acpRules(resource, doc, read.quads) : wacRules(resource, doc, read.quads);
        for (const f of found) {
          const frag = f.node.startsWith(`${doc}#`) ? f.node.slice(doc.length + 1) : '';
          const grant = /^locker-grant-([A-Za-z0-9]+)$/.exec(frag)?.[1];
          const ledger = /^locker-ledger-([A-Za-z0-9]+)$/.exec(frag)?.[1];
          const onlyOwner = f.who.length > 0 && f.who.every((w) => w === session.webId);
          let by = 'not Locker';
          let flagged = true;
          let note: string | undefined;
          if (grant) {
            const g = grants.get(grant);
            by = `grant ${grant}`;
            flagged = g?.state !== 'active';
            if (flagged) note = g ? `left over from a grant that has ${g.state === 'expired' ? 'expired' : 'been revoked'}` : 'names a grant this locker does not know';
          } else if (ledger) {
            by = `ledger ${ledger}`;
            flagged = !grants.has(ledger);
          } else if (frag === 'locker-owner') {
            by = 'Locker (your access)';
            flagged = !onlyOwner;
          } else if (onlyOwner) {
            by = 'the pod (your access)';
            flagged = false;
          } else {
            note = f.who.includes('everyone') ? 'open to everyone' : 'Locker did not write this rule';
          }
          rules.push({ ...f, by, flagged, ...(note && { note }) });
        }
      }
    } catch (e) {
      if (e instanceof HttpError) return httpFailure(e);
      throw e;
    }
    return { kind: 'ok' as const, report: { accessControl: layout.accessControl, rules, inheriting, foreign: foreignDocuments(locker.store) } };
  });
}
