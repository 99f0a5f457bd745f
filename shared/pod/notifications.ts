import { Parser } from 'n3';
import { HttpError, request } from './http.js';
import { headResource, parseLinks, type PodContext } from './resources.js';

const NOTIFY = 'http://www.w3.org/ns/solid/notifications#';
const WS_CHANNEL = `${NOTIFY}WebSocketChannel2023`;

export type ChannelResult = { readonly kind: 'ok'; readonly receiveFrom: string; readonly endAt: number | undefined } | { readonly kind: 'unsupported'; readonly reason: string };

/** The WebSocketChannel2023 subscription service the storage description offers, if any. */
export async function findWebSocketService(ctx: PodContext, storage: string): Promise<string | undefined> {
  const head = await headResource(ctx, storage);
  if (head.kind !== 'ok') return undefined;
  const desc = parseLinks(head.headers.get('link'), storage).find((l) => l.rel === 'http://www.w3.org/ns/solid/terms#storageDescription')?.url;
  if (!desc) return undefined;
  const res = await request(ctx.fetch, desc, { headers: { accept: 'text/turtle' }, expect: [404] }, ctx.stats);
  if (res.status !== 200) return undefined;
  const quads = new Parser({ baseIRI: desc, format: 'text/turtle' }).parse(res.body);
  const services = quads.filter((q) => q.predicate.value === `${NOTIFY}channelType` && q.object.value === WS_CHANNEL).map((q) => q.subject.value);
  return services[0];
}

/** Subscribes to changes of `topic` (a container: members added or removed) over a WebSocket channel. */
export async function subscribeWebSocket(ctx: PodContext, service: string, topic: string): Promise<ChannelResult> {
  const body = JSON.stringify({ '@context': ['https://www.w3.org/ns/solid/notification/v1'], type: WS_CHANNEL, topic });
  const res = await request(ctx.fetch, service, { method: 'POST', headers: { 'content-type': 'application/ld+json', accept: 'application/ld+json' }, body, expect: [400, 403, 404, 415, 422] }, ctx.stats);
  if (res.status < 200 || res.status > 299) return { kind: 'unsupported', reason: `the pod refused the subscription (${res.status})` };
  try {
    const j = JSON.parse(res.body) as { receiveFrom?: unknown; endAt?: unknown };
    if (typeof j.receiveFrom !== 'string') return { kind: 'unsupported', reason: 'the subscription answer has no receiveFrom' };
    const end = typeof j.endAt === 'string' ? Date.parse(j.endAt) : NaN;
    return { kind: 'ok', receiveFrom: j.receiveFrom, endAt: Number.isNaN(end) ? undefined : end };
  } catch (e) {
    throw new HttpError(res.status, service, `POST ${service}: the subscription answer is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}
