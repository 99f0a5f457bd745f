import { sealBackupToBytes, type BackupProtection } from '../seal/index.js';
import { setOwnerOnly } from '../consent/index.js';
import { getBytes, headResource, listContainer, putResource } from '../pod/index.js';
import type { ImportOptions, Locker } from './locker.js';
import { withPod, type PodEnv } from './pod.js';

/** `<locker root>backups/`: private to the owner, with its own access rule; grants can only name record containers, never this one. */
function backupContainer(lockerRoot: string): string {
  return `${lockerRoot}backups/`;
}

export type PodBackupResult = { readonly kind: 'ok'; readonly url: string; readonly bytes: number; readonly records: number; readonly binaries: number } | { readonly kind: 'error'; readonly message: string };

/**
 * `locker backup --to-pod`: the same encrypted file as `export --encrypt`,
 * uploaded to the backup container (made owner-only first, every time).
 */
export async function backupToPod(locker: Locker, penv: PodEnv, protection: BackupProtection, now = new Date()): Promise<PodBackupResult> {
  return withPod(locker, penv, async ({ layout, ctx }) => {
    if (layout.accessControl !== 'wac' && layout.accessControl !== 'acp') return { kind: 'error', message: 'this pod uses an access-control system Locker cannot set, so a private backup container cannot be guaranteed' } as const;
    const container = backupContainer(layout.root);
    if ((await headResource(ctx, container)).kind === 'absent') await putResource(ctx, container, '', 'text/turtle', { mode: 'create' });
    await setOwnerOnly(ctx, layout.accessControl, layout.webId, container);
    const sealed = await sealBackupToBytes(locker.store, protection);
    const url = `${container}locker-${now.toISOString().replace(/[:.]/g, '-')}.locker`;
    const put = await putResource(ctx, url, sealed.bytes, 'application/octet-stream', { mode: 'create' });
    if (put.kind !== 'ok') return { kind: 'error', message: `${url} already exists on the pod` } as const;
    return { kind: 'ok', url, bytes: sealed.bytes.byteLength, records: sealed.records, binaries: sealed.binaries } as const;
  });
}

export type FetchBackupResult = { readonly kind: 'ok'; readonly url: string; readonly bytes: Uint8Array } | { readonly kind: 'absent' | 'error'; readonly message: string };

/** The newest backup in the pod's backup container (or the one at `url`). */
async function fetchPodBackup(locker: Locker, penv: PodEnv, url?: string): Promise<FetchBackupResult> {
  return withPod(locker, penv, async ({ layout, ctx }) => {
    const container = backupContainer(layout.root);
    let target = url;
    if (!target) {
      const list = await listContainer(ctx, container);
      const names = list.kind === 'ok' ? list.members.map((m) => m.url).filter((u) => u.endsWith('.locker')).sort() : [];
      target = names.at(-1);
      if (!target) return { kind: 'absent', message: `no backup in ${container}` } as const;
    } else {
      let normal: string;
      try {
        normal = new URL(target).href;
      } catch {
        return { kind: 'error', message: `${target.slice(0, 100)} is not a web address` } as const;
      }
      // After normalising (which resolves ../), the backup must sit directly in the backup container.
      if (!normal.startsWith(container) || normal.slice(container.length).includes('/')) return { kind: 'error', message: `backups are read from ${container} only` } as const;
      target = normal;
    }
    const got = await getBytes(ctx, target);
    if (got.kind === 'absent') return { kind: 'absent', message: `${target} is not on the pod` } as const;
    return { kind: 'ok', url: target, bytes: got.bytes } as const;
  });
}

export type RestoreResult =
  | { readonly kind: 'ok'; readonly url: string; readonly imported: number; readonly updated: number; readonly unchanged: number; readonly skipped: number }
  /** No backup there, the pod could not be read, or the backup could not be opened or imported (nothing was restored). */
  | { readonly kind: 'absent' | 'error' | 'failed'; readonly message: string };

/**
 * `locker backup --from-pod [URL]`: the newest backup (or the one at `url`),
 * opened with what `unseal` supplies (asked only once the backup is here) and
 * imported all or nothing.
 */
export async function restorePodBackup(
  locker: Locker,
  penv: PodEnv,
  opts: { readonly url?: string | undefined; readonly unseal?: ImportOptions['unseal'] | undefined },
): Promise<RestoreResult> {
  const got = await fetchPodBackup(locker, penv, opts.url);
  if (got.kind !== 'ok') return got;
  const r = await locker.importBytes(got.url, got.bytes, undefined, opts.unseal ? { unseal: opts.unseal } : {});
  if (r.kind === 'failed') return { kind: 'failed', message: r.message };
  return { kind: 'ok', url: got.url, imported: r.created, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped.length };
}
