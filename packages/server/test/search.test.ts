import { afterEach, describe, expect, it } from 'vitest';
import type { SearchResponse } from '@quickchat/protocol';
import { GroupsHarness } from './support/groups.js';
import { sendContent, sendTo } from './support/messaging.js';
import type { AckFrame, ErrorFrame } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';

/**
 * Full-text search over the real server and SQLite FTS5: only the caller's conversations, only
 * above their floor, text as it is now, English and Chinese alike, paged, with plain-text
 * snippets and highlight offsets.
 */

let h: GroupsHarness;
afterEach(async () => h?.close());

function acked(reply: AckFrame | ErrorFrame): AckFrame {
  if (reply.type !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(reply)}`);
  return reply;
}

async function search(user: TestUser, query: Record<string, string>) {
  return h.rest.call<SearchResponse>('GET', `/api/search?${new URLSearchParams(query)}`, { token: user.token });
}
const seqsOf = (res: { body: SearchResponse }) => res.body.items.map((i) => [i.conversationId, i.seq]);

describe('GET /api/search', () => {
  it('finds English words and Chinese text inside sentences, with highlights in a plain-text snippet', async () => {
    h = await GroupsHarness.start();
    const { ann, bob } = await h.users(['ann', 'bob'], [['ann', 'bob']]);
    const a = await h.connect(ann);
    const dm = (await h.rest.call('GET', '/api/conversations', { token: ann.token })).body.items[0]?.conversationId ?? `dm:${[ann.id, bob.id].sort().join('~')}`;
    const en = acked(await sendTo(a, dm, 'Meet at the Café Rouge for <b>dinner</b> tomorrow'));
    const zh = acked(await sendTo(a, dm, '我们明天一起去北京吃饭吧'));
    acked(await sendTo(a, dm, 'nothing to see'));

    const dinner = await search(bob, { q: 'DINNER' });
    expect(dinner.status).toBe(200);
    expect(seqsOf(dinner)).toEqual([[dm, en.seq]]);
    const hit = dinner.body.items[0]!;
    expect(hit.snippet).toBe('Meet at the Café Rouge for <b>dinner</b> tomorrow');
    expect(hit.highlights.map(([s, e]) => hit.snippet.slice(s, e))).toEqual(['dinner']);
    // Accents fold; words match whole.
    expect(seqsOf(await search(bob, { q: 'cafe' }))).toEqual([[dm, en.seq]]);
    expect(seqsOf(await search(bob, { q: 'din' }))).toEqual([]);
    expect(seqsOf(await search(bob, { q: 'dinner rouge' }))).toEqual([[dm, en.seq]]);

    for (const q of ['北京', '吃饭', '明天一起', '京']) expect(seqsOf(await search(bob, { q })), q).toEqual([[dm, zh.seq]]);
    expect(seqsOf(await search(bob, { q: '北吃' }))).toEqual([]);
    const beijing = (await search(bob, { q: '北京' })).body.items[0]!;
    expect(beijing.highlights.map(([s, e]) => beijing.snippet.slice(s, e))).toEqual(['北京']);
  });

  it('searches only conversations the caller is in, above their floor, as the text is now', async () => {
    h = await GroupsHarness.start();
    const { ann, bob, cyd } = await h.users(['ann', 'bob', 'cyd'], [['ann', 'bob'], ['ann', 'cyd']]);
    const a = await h.connect(ann);
    const g = await h.createGroup(ann, { members: [bob.id], historyVisible: false });
    const before = acked(await sendTo(a, g, 'secret plan alpha'));
    expect((await h.add(ann, g, [cyd.id])).status).toBe(200);
    const after = acked(await sendTo(a, g, 'public plan beta'));
    const edited = acked(await sendTo(a, g, 'typo plam gamma'));
    acked(await sendContent(a, g, { type: 'edit', target: edited.seq, text: 'fixed plan gamma' }));
    const gone = acked(await sendTo(a, g, 'plan delta to delete'));
    acked(await sendContent(a, g, { type: 'delete', target: gone.seq }));

    expect(seqsOf(await search(bob, { q: 'plan' }))).toEqual([[g, edited.seq], [g, after.seq], [g, before.seq]]);
    // Cy joined after the first message, without history: never sees it.
    expect(seqsOf(await search(cyd, { q: 'plan' }))).toEqual([[g, edited.seq], [g, after.seq]]);
    expect(seqsOf(await search(bob, { q: 'plam' }))).toEqual([]);
    expect(seqsOf(await search(bob, { q: 'delta' }))).toEqual([]);

    const { dee } = await h.users(['dee']);
    expect(seqsOf(await search(dee, { q: 'plan' }))).toEqual([]);
    // Naming a conversation you are not in is the same not_found as reading it.
    const named = await search(dee, { q: 'plan', conversationId: g });
    expect(named.status).toBe(404);
    expect(named.body).toEqual((await h.history(dee, g)).body);
  });

  it('pages newest first with a cursor, within one conversation or across them', async () => {
    h = await GroupsHarness.start();
    const { ann, bob } = await h.users(['ann', 'bob'], [['ann', 'bob']]);
    const a = await h.connect(ann);
    const g1 = await h.createGroup(ann, { name: 'One', members: [bob.id] });
    const g2 = await h.createGroup(ann, { name: 'Two', members: [bob.id] });
    for (let i = 1; i <= 5; i++) acked(await sendTo(a, g1, `note ${i} in one`));
    for (let i = 1; i <= 3; i++) acked(await sendTo(a, g2, `note ${i} in two`));

    const seen: (string | number)[][] = [];
    let cursor: string | null = null;
    do {
      const res: { body: SearchResponse } = await search(bob, { q: 'note', limit: '3', ...(cursor ? { cursor } : {}) });
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...seqsOf(res));
      cursor = res.body.next;
    } while (cursor);
    expect(seen).toEqual([[g2, 4], [g2, 3], [g2, 2], [g1, 6], [g1, 5], [g1, 4], [g1, 3], [g1, 2]]);
    expect(seqsOf(await search(bob, { q: 'note', conversationId: g1, limit: '2' }))).toEqual([[g1, 6], [g1, 5]]);
  });

  it('refuses bad queries with clear errors and treats FTS syntax as plain words', async () => {
    h = await GroupsHarness.start();
    const { ann, bob } = await h.users(['ann', 'bob'], [['ann', 'bob']]);
    const a = await h.connect(ann);
    const g = await h.createGroup(ann, { members: [bob.id] });
    acked(await sendTo(a, g, 'NEAR the "quoted" OR not'));
    for (const q of ['', ' ', 'x'.repeat(201)]) expect((await search(bob, { q })).status, JSON.stringify(q)).toBe(400);
    expect((await search(bob, { q: 'a', cursor: 'abc' })).status).toBe(400);
    expect((await search(bob, { q: 'a', limit: '51' })).status).toBe(400);
    for (const q of ['"quoted', 'NEAR(', 'OR', '*', 'quoted" OR "x', 'title:foo', '^near']) {
      const res = await search(bob, { q });
      expect(res.status, q).toBe(200);
    }
    expect((await search(bob, { q: '"quoted" OR' })).body.items).toHaveLength(1);
  });

  it('copes with what people really send: right-to-left text, one long unbroken string, emoji-only messages', async () => {
    h = await GroupsHarness.start();
    const { ann, bob } = await h.users(['ann', 'bob'], [['ann', 'bob']]);
    const a = await h.connect(ann);
    const g = await h.createGroup(ann, { members: [bob.id] });
    const hebrew = acked(await sendTo(a, g, 'נפגשים מחר בשמונה בבית הקפה'));
    const arabic = acked(await sendTo(a, g, 'نلتقي غدا في المقهى'));
    const unbroken = 'x'.repeat(1900) + 'needle' + 'y'.repeat(1900);
    const long = acked(await sendTo(a, g, `${unbroken} haystackword`));
    acked(await sendTo(a, g, '🎉🎉🎉'));

    expect(seqsOf(await search(bob, { q: 'הקפה' }))).toEqual([[g, hebrew.seq]]);
    expect(seqsOf(await search(bob, { q: 'المقهى' }))).toEqual([[g, arabic.seq]]);
    const [hit] = (await search(bob, { q: 'haystackword' })).body.items;
    expect(hit).toMatchObject({ seq: long.seq });
    expect(hit!.snippet.length).toBeLessThanOrEqual(162);
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(['haystackword']);
    // Emoji are not words: a search for them finds nothing, and says so without an error.
    const party = await search(bob, { q: '🎉' });
    expect(party.status).toBe(200);
    expect(party.body).toEqual({ items: [], next: null });
  });
});
