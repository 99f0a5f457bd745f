import { getResource, patchResource, turtleObjects, putResource, type PodContext, type PodLayout } from '../pod/index.js';
import { setPublicRead } from './rules.js';

const SOLID = 'http://www.w3.org/ns/solid/terms#';

/**
 * The public type index (`solid:publicTypeIndex`), where apps look for what a person publishes: the
 * one the profile links to when it exists (SolidOS makes one, and would otherwise make it itself the
 * first time it opens the pod), else `settings/publicTypeIndex.ttl`, created readable by everyone and
 * linked from the profile with a PATCH. Locker registers nothing public in it by itself: records stay
 * private unless shared. Returns its address and whether it was made now.
 */
export async function ensurePublicTypeIndex(ctx: PodContext, layout: PodLayout): Promise<{ url: string; created: boolean } | undefined> {
  const profileDoc = layout.webId.split('#')[0] ?? layout.webId;
  const profile = await getResource(ctx, profileDoc);
  if (profile.kind !== 'ok') return undefined;
  const linked = turtleObjects(profile.body, profileDoc, layout.webId, `${SOLID}publicTypeIndex`)[0];
  if (linked && (await getResource(ctx, linked)).kind === 'ok') return { url: linked, created: false };
  const url = linked ?? `${layout.storage}settings/publicTypeIndex.ttl`;
  const put = await putResource(ctx, url, `<> a <${SOLID}TypeIndex>, <${SOLID}ListedDocument>.\n`, 'text/turtle', { mode: 'create' });
  // Made now: readable by everyone. A document already there (another app's) keeps the access it has.
  if (put.kind === 'ok' && (layout.accessControl === 'wac' || layout.accessControl === 'acp')) await setPublicRead(ctx, layout.accessControl, layout.webId, url);
  if (!linked) await patchResource(ctx, profileDoc, { inserts: `<${layout.webId}> <${SOLID}publicTypeIndex> <${url}>.` });
  return { url, created: put.kind === 'ok' };
}
