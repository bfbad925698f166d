// @vitest-environment happy-dom
// The thread's windowed log without a layout engine: what it renders and announces. Scrolling,
// measuring and jumping need real layout and are checked in Chromium (widget-history.browser.test.ts).
import { cleanup, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Thread } from '../src/screens/thread.js';
import { ME, FakeClient, conversation, dmId, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const ALICE = 'u_alice';
const CONV = dmId(ME, ALICE);

function open(items: ReturnType<typeof message>[], conv: Parameters<typeof conversation>[1] = {}) {
  const client = new FakeClient();
  client.profiles.set(ALICE, user(ALICE, 'Alice'));
  client.setConversations(conversation(ALICE, { lastSeq: items.length, ...conv }));
  client.setMessages(CONV, items, false);
  const r = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: CONV }).props} />, { client });
  return { ...r, log: r.getByRole('log'), live: r.container.querySelector('.qc-log-wrap [aria-live="polite"]')! };
}

describe('thread log: unread messages', () => {
  it('marks where the unread messages begin with a "New messages" heading, before the first one from the peer', () => {
    const items = [message(CONV, ALICE, 1, 'read one'), message(CONV, ME, 2, 'my reply'), message(CONV, ME, 3, 'mine, after the cursor'), message(CONV, ALICE, 4, 'first unread'), message(CONV, ALICE, 5, 'second unread')];
    const { log } = open(items, { unread: 2, cursors: [{ userId: ME, delivered: 2, read: 2 }] });
    const separator = within(log).getByRole('heading', { name: 'New messages', level: 3 });
    const row = separator.closest('[data-k]')!;
    expect(row.textContent).toContain('first unread');
    expect(row.textContent).not.toContain('mine, after the cursor');
  });

  it('shows no separator when nothing was unread on opening', () => {
    const { log } = open([message(CONV, ALICE, 1, 'hello')]);
    expect(within(log).queryByRole('heading', { name: 'New messages' })).toBeNull();
  });
});

describe('thread log: announcements', () => {
  it('is not itself live (rows entering the window are not read out); arrivals are announced politely instead', async () => {
    const first = message(CONV, ALICE, 1, 'hello');
    const { log, live, client } = open([first]);
    expect(log.getAttribute('aria-live')).toBe('off');
    expect(live.textContent).toBe('');
    client.setMessages(CONV, [first, message(CONV, ALICE, 2, 'are you there?')]);
    await waitFor(() => expect(live.textContent).toBe('Alice: are you there?'));
    client.send(CONV, 'yes');
    await waitFor(() => expect(live.textContent).toContain('You: yes'));
  });

  it('does not announce older pages, and sums up a burst of arrivals', async () => {
    const first = message(CONV, ALICE, 10, 'hello');
    const { live, client } = open([first]);
    client.setMessages(CONV, [message(CONV, ALICE, 8, 'older'), message(CONV, ALICE, 9, 'older too'), first]);
    await new Promise((r) => setTimeout(r, 20));
    expect(live.textContent).toBe('');
    const burst = [11, 12, 13, 14, 15].map((seq) => message(CONV, ALICE, seq, `burst ${seq}`));
    client.setMessages(CONV, [...client.messages.getState()[CONV]!.items, ...burst]);
    await waitFor(() => expect(live.textContent).toBe('5 new messages'));
  });
});
