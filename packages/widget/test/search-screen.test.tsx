// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@quickchat/sdk';
import type { SearchHit } from '@quickchat/sdk/messages';
import { Search } from '../src/screens/search.js';
import { FakeClient, ME, conversation, dmId, user } from './support/fake-client.js';
import { serveSearch } from './support/group-rest.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const GROUP = 'g:climbers';
const BOB = user('u_bob', 'Bob');

/** A hit whose highlights are every place `word` occurs in `snippet` (as the server marks them). */
function hit(conversationId: string, seq: number, senderId: string, snippet: string, word: string): SearchHit {
  const highlights: [number, number][] = [];
  for (let at = snippet.indexOf(word); at >= 0; at = snippet.indexOf(word, at + word.length)) highlights.push([at, at + word.length]);
  return { conversationId, seq, senderId, createdAt: Date.UTC(2025, 0, 15, 9, seq), snippet, highlights };
}

function setup(pages: Parameters<typeof serveSearch>[1], locale?: string) {
  const client = new FakeClient();
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: BOB, status: 'friends', memo: null, since: 1 }] }));
  client.setConversations(conversation(BOB.id), conversation('', { conversationId: GROUP, kind: 'group', peerId: null, group: { name: 'Climbers', avatarUrl: null, memberCount: 3, role: 'member' } }));
  const rest = serveSearch(client, pages);
  const { props, routes } = screenProps({ name: 'search' });
  return { ...renderChat(<Search {...props} />, { client, ...(locale ? { locale } : {}) }), rest, routes };
}

function search(ui: ReturnType<typeof setup>, query: string) {
  fireEvent.input(ui.getByRole('searchbox', { name: 'Words to find' }), { target: { value: query } });
  fireEvent.click(ui.getByRole('button', { name: 'Search' }));
}

const results = (ui: ReturnType<typeof setup>) => [...ui.container.querySelectorAll<HTMLElement>('[data-result]')];
const marks = (row: HTMLElement) => [...row.querySelectorAll('mark')].map((m) => m.textContent);

describe('search screen', () => {
  it('marks the matches in real text: Hebrew, Arabic, Chinese, emoji, and a 3,000-character unbroken string', async () => {
    const long = `${'ש'.repeat(1400)}needle${'x'.repeat(1594)}`;
    const hits = [
      hit(GROUP, 1, BOB.id, 'נפגשים מחר בקפה רוז לארוחת ערב, בקפה הקטן', 'בקפה'),
      hit(GROUP, 2, ME, 'نلتقي غدا في مقهى روز للعشاء', 'مقهى'),
      hit(dmId(ME, BOB.id), 3, BOB.id, '我们明天在北京见面，北京的天气很好', '北京'),
      hit(dmId(ME, BOB.id), 4, BOB.id, 'see you 🧗‍♀️ at the crag 🧗, crag day!', 'crag'),
      hit(dmId(ME, BOB.id), 5, BOB.id, long, 'needle'),
    ];
    const ui = setup({ '': { items: hits, next: null } });
    search(ui, 'whatever');
    await waitFor(() => expect(results(ui)).toHaveLength(5));
    expect(ui.rest.calls()).toEqual(['GET /api/search?q=whatever']);
    const rows = results(ui);
    expect(marks(rows[0]!)).toEqual(['בקפה', 'בקפה']);
    expect(marks(rows[1]!)).toEqual(['مقهى']);
    expect(marks(rows[2]!)).toEqual(['北京', '北京']);
    expect(marks(rows[3]!)).toEqual(['crag', 'crag']);
    expect(marks(rows[4]!)).toEqual(['needle']);
    // The snippet is whole, in order, around the marks; it takes its own direction.
    hits.forEach((h, i) => expect(rows[i]!.querySelector('[data-snippet]')!.textContent).toBe(h.snippet));
    expect(rows[0]!.querySelector('[data-snippet]')!.tagName).toBe('BDI');
    // Where and by whom.
    expect(rows.map((r) => r.querySelector('.qc-name')!.textContent)).toEqual(['Climbers', 'Climbers', 'Bob', 'Bob', 'Bob']);
    expect(rows[1]!.textContent).toContain('You: ');
    expect(rows[0]!.textContent).toContain('Bob: ');
    expect(ui.getByRole('status').textContent).toBe('5 results');
  });

  it('shows markup in snippets as text, marks included', async () => {
    const xss = 'look: <img src=x onerror="globalThis.pwned=1"> and <script>globalThis.pwned=2</script>';
    const ui = setup({ '': { items: [hit(GROUP, 7, BOB.id, xss, 'img'), hit(GROUP, 8, BOB.id, xss, 'script')], next: null } });
    search(ui, 'img');
    await waitFor(() => expect(results(ui)).toHaveLength(2));
    expect(ui.container.querySelector('img[src="x"], script')).toBeNull();
    expect(marks(results(ui)[0]!)).toEqual(['img']);
    expect(marks(results(ui)[1]!)).toEqual(['script', 'script']);
    expect(results(ui)[0]!.querySelector('[data-snippet]')!.textContent).toBe(xss);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('pages with the next cursor, adding to the results', async () => {
    const first = Array.from({ length: 3 }, (_, i) => hit(GROUP, 30 - i, BOB.id, `route ${i} is wet`, 'route'));
    const second = [hit(dmId(ME, BOB.id), 2, BOB.id, 'the last route', 'route')];
    const ui = setup({ '': { items: first, next: '8589934634' }, '8589934634': { items: second, next: null } });
    search(ui, 'route');
    await waitFor(() => expect(results(ui)).toHaveLength(3));
    expect(ui.getByRole('status').textContent).toBe('More than 3 results');
    fireEvent.click(ui.getByRole('button', { name: 'Show more results' }));
    await waitFor(() => expect(results(ui)).toHaveLength(4));
    expect(ui.rest.calls()).toEqual(['GET /api/search?q=route', 'GET /api/search?q=route&cursor=8589934634']);
    expect(results(ui).map((r) => r.dataset['result'])).toEqual([`${GROUP}/30`, `${GROUP}/29`, `${GROUP}/28`, `${dmId(ME, BOB.id)}/2`]);
    expect(ui.queryByRole('button', { name: 'Show more results' })).toBeNull();
    expect(ui.getByRole('status').textContent).toBe('4 results');
  });

  it('opens the conversation of a result, at its message', async () => {
    const ui = setup({ '': { items: [hit(GROUP, 42, BOB.id, 'the crag at dawn', 'crag')], next: null } });
    search(ui, 'crag');
    await waitFor(() => expect(results(ui)).toHaveLength(1));
    fireEvent.click(within(results(ui)[0]!.closest('li')!).getByRole('button'));
    expect(ui.routes).toEqual([{ name: 'thread', conversationId: GROUP, seq: 42 }]);
  });

  it('says when nothing matches, and when the search failed', async () => {
    const ui = setup({ '': { items: [], next: null } });
    search(ui, '  nothing here  ');
    await waitFor(() => expect(ui.getByRole('status').textContent).toBe('No messages match “nothing here”.'));
    expect(ui.rest.calls()).toEqual(['GET /api/search?q=nothing+here']);
    ui.rest.on('GET', /^\/api\/search/, () => {
      throw new ApiError('rate_limited', 'slow down', 429);
    });
    search(ui, 'again');
    await waitFor(() => expect(ui.getByRole('status').textContent).toBe('Too many attempts. Wait a moment and try again.'));
    expect(ui.getByRole('status').className).toContain('qc-error');
  });

  it('does not search for blank input', () => {
    const ui = setup({ '': { items: [], next: null } });
    search(ui, '   ');
    expect(ui.rest.calls()).toEqual([]);
  });

  it('reads in Simplified Chinese', async () => {
    const ui = setup({ '': { items: [hit(GROUP, 1, BOB.id, '北京见', '北京')], next: null } }, 'zh-CN');
    fireEvent.input(ui.getByRole('searchbox', { name: '要查找的词' }), { target: { value: '北京' } });
    fireEvent.click(ui.getByRole('button', { name: '搜索' }));
    await waitFor(() => expect(ui.getByRole('status').textContent).toBe('1 条结果'));
  });
});
