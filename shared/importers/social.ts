import { convert } from 'html-to-text';
import { iri, lit, namedNode, RecordBuilder, stableId, type LockerRecord } from '../model/index.js';
import { checkDeadline, failed, ImportAbort, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

const AS = (l: string) => iri('as', l);

/**
 * Social media, kept in ActivityStreams 2:
 * - a Mastodon (ActivityPub) export: `outbox.json` (Create → the note;
 *   Announce → a boost) and `likes.json` (the liked posts' links), as the
 *   export archive holds them;
 * - an X/Twitter archive: `tweets.js` (posts and retweets) and `like.js`.
 * A post is an `as:Note`; a boost or a like is a note standing for what was
 * boosted or liked (often only its link) with the `as:Announce`/`as:Like`
 * activity beside it. HTML content is kept as text, links are never fetched.
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function webUrl(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const htmlText = (html: string) => convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }] }).trim();

function isoTime(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : undefined;
}

interface PostInput {
  readonly key: string;
  /** Absent for likes: exports don't say when. */
  readonly published?: string | undefined;
  readonly content?: string | undefined;
  readonly summary?: string | undefined;
  readonly url?: string | undefined;
  readonly inReplyTo?: string | undefined;
  readonly attributedTo?: string | undefined;
  readonly tags?: readonly string[];
  /** A boost or a like: the activity, and what it was about. */
  readonly activity?: { readonly type: 'Announce' | 'Like'; readonly object?: string | undefined } | undefined;
}

function postRecord(p: PostInput): LockerRecord {
  const b = new RecordBuilder('post', stableId('post', p.key));
  if (p.content) b.set(AS('content'), lit.string(p.content.slice(0, 100_000)));
  if (p.published) b.set(AS('published'), lit.dateTime(p.published));
  if (p.summary) b.set(AS('summary'), lit.string(p.summary.slice(0, 2000)));
  if (p.url) b.set(AS('url'), namedNode(p.url));
  if (p.inReplyTo) b.set(AS('inReplyTo'), namedNode(p.inReplyTo));
  if (p.attributedTo) b.set(AS('attributedTo'), namedNode(p.attributedTo));
  for (const t of p.tags ?? []) b.set(iri('lk', 'tag'), lit.string(t.replace(/^#/, '').slice(0, 100)));
  if (p.activity) {
    const verb = p.activity.type === 'Announce' ? 'Boosted' : 'Liked';
    if (!p.content) b.set(AS('name'), lit.string(`${verb} ${p.activity.object ?? 'a post'}`.slice(0, 300)));
    const act = b.node('activity');
    b.typeOf(act, AS(p.activity.type));
    b.add(act, AS('object'), b.subject);
    if (p.published) b.add(act, AS('published'), lit.dateTime(p.published));
  }
  return b.build();
}

function push(items: ParsedItem[], record: LockerRecord, ctx: ImportContext): void {
  items.push({ record });
  if (items.length > ctx.caps.maxRecordsPerFile) throw new ImportAbort({ kind: 'too-large', message: `more than ${ctx.caps.maxRecordsPerFile} posts in one file` });
}

export const activityPubImporter: Importer = {
  id: 'activitypub',
  mediaType: 'application/activity+json',
  parse(text: string, ctx: ImportContext): ParseResult {
    let doc: Json | undefined;
    try {
      doc = obj(JSON.parse(text));
    } catch (e) {
      return failed('malformed', `not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
    }
    const list = arr(doc?.['orderedItems']);
    const id = str(doc?.['id']) ?? '';
    const items: ParsedItem[] = [];
    try {
      list.forEach((it, i) => {
        if (i % 5000 === 0) checkDeadline(ctx);
        if (typeof it === 'string') {
          // likes.json / bookmarks.json: links only.
          const url = webUrl(it);
          if (!url || !/likes?\.json$/i.test(id)) return;
          push(items, postRecord({ key: `ap-like\u0000${url}`, url, activity: { type: 'Like', object: url } }), ctx);
          return;
        }
        const a = obj(it);
        const type = str(a?.['type']);
        const published = isoTime(a?.['published']);
        const at = { position: `orderedItems[${i}]`, raw: rawText(JSON.stringify(it) ?? '') };
        // Posts and boosts are what an outbox holds; an activity of another kind (Follow, Delete…) is not an item.
        if (type !== 'Announce' && type !== 'Create') return;
        if (!a || !published) {
          items.push({ skipped: { ...at, reason: `a ${type} without a readable "published" time` } });
          return;
        }
        if (type === 'Announce') {
          const target = webUrl(a['object']) ?? webUrl(obj(a['object'])?.['id']);
          push(items, postRecord({ key: `ap\u0000${str(a['id']) ?? `${target}\u0000${published}`}`, published, url: target, activity: { type: 'Announce', object: target } }), ctx);
        } else if (type === 'Create') {
          const note = obj(a['object']);
          if (!note || (str(note['type']) !== 'Note' && str(note['type']) !== 'Question' && str(note['type']) !== 'Article')) {
            items.push({ skipped: { ...at, reason: `a Create of ${note ? `a ${str(note['type']) ?? 'thing without a type'}` : 'an object given only by its address'}, not a post` } });
            return;
          }
          const html = str(note['content']) ?? '';
          const tags = arr(note['tag']).map((t) => obj(t)).filter((t) => str(t?.['type']) === 'Hashtag').map((t) => str(t?.['name']) ?? '').filter(Boolean);
          push(
            items,
            postRecord({
              key: `ap\u0000${str(note['id']) ?? str(a['id']) ?? published}`,
              published: isoTime(note['published']) ?? published,
              content: html ? htmlText(html) : undefined,
              summary: str(note['summary']),
              url: webUrl(note['url']) ?? webUrl(note['id']),
              inReplyTo: webUrl(note['inReplyTo']),
              attributedTo: webUrl(note['attributedTo']) ?? webUrl(a['actor']),
              tags,
            }),
            ctx,
          );
        }
      });
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    if (items.length === 0) return failed('invalid', 'no posts, boosts or likes in this ActivityStreams collection');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};

/** `window.YTD.tweets.part0 = [...]` → the array. */
function ytd(text: string): unknown[] | undefined {
  const at = text.indexOf('=');
  if (!/^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*$/.test(text.slice(0, at))) return undefined;
  try {
    const v: unknown = JSON.parse(text.slice(at + 1));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export const twitterImporter: Importer = {
  id: 'twitter',
  mediaType: 'application/javascript',
  parse(text: string, ctx: ImportContext): ParseResult {
    const rows = ytd(text);
    if (!rows) return failed('malformed', 'not an X/Twitter archive data file (window.YTD… = [ … ])');
    const items: ParsedItem[] = [];
    try {
      rows.forEach((row, i) => {
        if (i % 5000 === 0) checkDeadline(ctx);
        const r = obj(row);
        const tweet = obj(r?.['tweet']);
        const like = obj(r?.['like']);
        if (tweet) {
          const idStr = str(tweet['id_str']) ?? str(tweet['id']);
          const published = isoTime(tweet['created_at']);
          if (!idStr || !published) {
            items.push({ skipped: { position: `[${i}].tweet`, raw: rawText(JSON.stringify(tweet) ?? ''), reason: idStr ? `tweet ${idStr.slice(0, 30)} has no readable created_at` : 'a tweet without an id' } });
            return;
          }
          let content = str(tweet['full_text']) ?? str(tweet['text']) ?? '';
          // t.co links back to what they stand for (never fetched: the archive says it).
          for (const u of arr(obj(tweet['entities'])?.['urls']).map(obj)) {
            const short = str(u?.['url']);
            const long = str(u?.['expanded_url']);
            if (short && long) content = content.split(short).join(long);
          }
          content = content.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
          const tags = arr(obj(tweet['entities'])?.['hashtags']).map((h) => str(obj(h)?.['text']) ?? '').filter(Boolean);
          const retweet = /^RT @\w+:/.test(content);
          const replyTo = str(tweet['in_reply_to_status_id_str']);
          const replyUser = str(tweet['in_reply_to_screen_name']);
          push(
            items,
            postRecord({
              key: `tw\u0000${idStr}`,
              published,
              content,
              url: `https://x.com/i/status/${encodeURIComponent(idStr)}`,
              inReplyTo: replyTo ? `https://x.com/${encodeURIComponent(replyUser ?? 'i')}/status/${encodeURIComponent(replyTo)}` : undefined,
              tags,
              ...(retweet && { activity: { type: 'Announce' as const } }),
            }),
            ctx,
          );
        } else if (like) {
          const id = str(like['tweetId']);
          if (!id) {
            items.push({ skipped: { position: `[${i}].like`, raw: rawText(JSON.stringify(like) ?? ''), reason: 'a like without a tweetId' } });
            return;
          }
          const url = webUrl(like['expandedUrl']) ?? `https://x.com/i/status/${encodeURIComponent(id)}`;
          push(items, postRecord({ key: `tw-like\u0000${id}`, content: str(like['fullText']), url, activity: { type: 'Like', object: url } }), ctx);
        }
      });
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    if (items.length === 0) return failed('invalid', 'no tweets or likes in this archive file');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
