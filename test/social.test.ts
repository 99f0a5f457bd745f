/**
 * Social media: a Mastodon export (outbox with posts and boosts, likes) and an
 * X/Twitter archive (tweets, retweets, likes) become posts in ActivityStreams 2.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { locker } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';
import { makeZip } from './helpers/zip.js';

function posts(home: string): Array<{ title: string; props: Record<string, unknown>; turtle: string }> {
  const o = openLocker(home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  try {
    return o.locker
      .list({ type: 'post' })
      .map((s) => {
        const r = o.locker.show(s.id);
        return r.kind === 'ok' ? { title: s.title, props: r.json.properties as Record<string, unknown>, turtle: r.turtle } : { title: s.title, props: {}, turtle: '' };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  } finally {
    o.locker.close();
  }
}

const CONTEXT = ['https://www.w3.org/ns/activitystreams', { Hashtag: 'as:Hashtag' }];

describe('Mastodon export', () => {
  it('posts (HTML kept as text, hashtags, content warnings, replies), boosts and likes', async () => {
    const { home, files } = homeAndFiles('locker-social-');
    const outbox = {
      '@context': CONTEXT,
      id: 'outbox.json',
      type: 'OrderedCollection',
      totalItems: 3,
      orderedItems: [
        {
          id: 'https://social.example/users/me/statuses/1/activity',
          type: 'Create',
          actor: 'https://social.example/users/me',
          published: '2024-01-05T10:00:00Z',
          object: {
            id: 'https://social.example/users/me/statuses/1',
            type: 'Note',
            published: '2024-01-05T10:00:00Z',
            url: 'https://social.example/@me/1',
            attributedTo: 'https://social.example/users/me',
            summary: 'food',
            content: '<p>Best <a href="https://social.example/tags/k%C3%A4se" class="mention hashtag" rel="tag">#<span>käse</span></a> in town! <script>alert(1)</script></p>',
            tag: [{ type: 'Hashtag', href: 'https://social.example/tags/käse', name: '#käse' }],
          },
        },
        {
          id: 'https://social.example/users/me/statuses/2/activity',
          type: 'Create',
          actor: 'https://social.example/users/me',
          published: '2024-01-06T08:30:00Z',
          object: { id: 'https://social.example/users/me/statuses/2', type: 'Note', published: '2024-01-06T08:30:00Z', inReplyTo: 'https://other.example/@ann/99', content: '<p><span class="h-card"><a href="https://other.example/@ann" class="u-url mention">@<span>ann</span></a></span> agreed</p>' },
        },
        { id: 'https://social.example/users/me/statuses/3/activity', type: 'Announce', actor: 'https://social.example/users/me', published: '2024-01-07T12:00:00Z', object: 'https://other.example/users/bob/statuses/42' },
      ],
    };
    const likes = { '@context': 'https://www.w3.org/ns/activitystreams', id: 'likes.json', type: 'OrderedCollection', orderedItems: ['https://other.example/users/bob/statuses/7', 'javascript:alert(1)'] };
    writeFileSync(path.join(files, 'archive-20240110.zip'), makeZip([{ name: 'outbox.json', data: JSON.stringify(outbox) }, { name: 'likes.json', data: JSON.stringify(likes) }, { name: 'actor.json', data: '{"type":"Person"}' }]));
    const r = await locker(home, 'import', path.join(files, 'archive-20240110.zip'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 4 });
    const all = posts(home);
    // A post with a content warning is listed by its warning.
    expect(all.map((p) => [p.title, p.props['published'] ?? null])).toEqual([
      ['@ann agreed', '2024-01-06T08:30:00Z'],
      ['Boosted https://other.example/users/bob/statuses/42', '2024-01-07T12:00:00Z'],
      ['food', '2024-01-05T10:00:00Z'],
      ['Liked https://other.example/users/bob/statuses/7', null],
    ]);
    expect(all[2]?.props).toMatchObject({ content: 'Best #käse in town!', summary: 'food', tag: 'käse', url: 'https://social.example/@me/1', attributedTo: 'https://social.example/users/me' });
    expect(all[0]?.props['inReplyTo']).toBe('https://other.example/@ann/99');
    expect(all[1]?.turtle).toMatch(/a as:Announce/);
    expect(all[3]?.turtle).toMatch(/a as:Like/);
    expect(all.map((p) => p.turtle).join('\n')).not.toMatch(/script|javascript/);
  });
});

describe('X/Twitter archive', () => {
  it('tweets with their links expanded, retweets as boosts, replies and likes', async () => {
    const { home, files } = homeAndFiles('locker-tw-');
    const tweets = [
      { tweet: { id_str: '1001', created_at: 'Wed Oct 10 20:19:24 +0000 2018', full_text: 'Reading about #Solid &amp; data ownership https://t.co/abc', entities: { hashtags: [{ text: 'Solid' }], urls: [{ url: 'https://t.co/abc', expanded_url: 'https://solidproject.org/' }] } } },
      { tweet: { id_str: '1002', created_at: 'Thu Oct 11 07:00:00 +0000 2018', full_text: 'RT @timbl: The web was designed to be decentralised', entities: {} } },
      { tweet: { id_str: '1003', created_at: 'Thu Oct 11 08:00:00 +0000 2018', full_text: '@ann yes!', in_reply_to_status_id_str: '999', in_reply_to_screen_name: 'ann', entities: {} } },
    ];
    writeFileSync(path.join(files, 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets, null, 2)}`);
    writeFileSync(path.join(files, 'like.js'), `window.YTD.like.part0 = ${JSON.stringify([{ like: { tweetId: '555', fullText: 'A liked tweet', expandedUrl: 'https://twitter.com/i/web/status/555' } }])}`);
    const r = await locker(home, 'import', files, '--json');
    expect(r.code, r.stderr).toBe(0);
    const all = posts(home);
    expect(all.map((p) => [p.title, p.props['published'] ?? null])).toEqual([
      ['@ann yes!', '2018-10-11T08:00:00Z'],
      ['A liked tweet', null],
      ['Reading about #Solid & data ownership https://solidproject.org/', '2018-10-10T20:19:24Z'],
      ['RT @timbl: The web was designed to be decentralised', '2018-10-11T07:00:00Z'],
    ]);
    expect(all[0]?.props['inReplyTo']).toBe('https://x.com/ann/status/999');
    expect(all[3]?.turtle).toMatch(/a as:Announce/);
    expect(all[1]?.turtle).toMatch(/a as:Like/);
  });
});

describe('one post that cannot be read does not cost the archive (issue 17 point 1)', () => {
  it('an outbox Create without a time, and a tweet without one, are skipped with their place in the JSON; the rest imports', async () => {
    const { home, files } = homeAndFiles('locker-social-');
    const outbox = {
      '@context': CONTEXT,
      id: 'https://mastodon.example/users/ann/outbox',
      type: 'OrderedCollection',
      orderedItems: [
        { id: 'https://mastodon.example/users/ann/statuses/1/activity', type: 'Create', published: '2024-03-01T10:00:00Z', object: { id: 'https://mastodon.example/users/ann/statuses/1', type: 'Note', content: '<p>first</p>' } },
        { id: 'https://mastodon.example/users/ann/statuses/2/activity', type: 'Create', object: { id: 'https://mastodon.example/users/ann/statuses/2', type: 'Note', content: '<p>no time</p>' } },
        { id: 'https://mastodon.example/users/ann/follow/3', type: 'Follow', published: '2024-03-02T10:00:00Z', object: 'https://other.example/users/bob' },
      ],
    };
    writeFileSync(path.join(files, 'outbox.json'), JSON.stringify(outbox));
    writeFileSync(path.join(files, 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify([{ tweet: { id_str: '1', created_at: 'Fri Mar 01 10:00:00 +0000 2024', full_text: 'hello' } }, { tweet: { id_str: '2', full_text: 'when?' } }])}`);
    for (const [name, position] of [['outbox.json', 'orderedItems[1]'], ['tweets.js', '[1].tweet']] as const) {
      const r = await locker(home, 'import', path.join(files, name), '--json');
      expect(r.code, r.stderr).toBe(3);
      const s = JSON.parse(r.stdout) as { imported: number; skipped: number; skippedItems: Array<{ position?: string; reason: string }> };
      expect(s).toMatchObject({ imported: 1, skipped: 1 });
      expect(s.skippedItems[0]?.position).toBe(position);
    }
  });
});
