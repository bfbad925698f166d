// @vitest-environment happy-dom
/**
 * How the widget shows what rich messages and calls leave in a thread today: a deleted message
 * says so (its text is gone), an edited one is marked, and a call record is a one-line notice, in
 * the thread and as the chat list's preview, in English and Chinese.
 */
import { cleanup } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecordContent, LocalMessage } from '@quickchat/sdk';
import { Thread } from '../src/screens/thread.js';
import { ConversationList } from '../src/screens/conversation-list.js';
import { translator } from '../src/i18n/index.js';
import { callRecordText } from '../src/util/call-record.js';
import { FakeClient, conversation, dmId, message, user, ME } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const BOB = 'u_bob';
const C = dmId(ME, BOB);
const call = (outcome: CallRecordContent['outcome'], extra: Partial<CallRecordContent> = {}): CallRecordContent => ({
  type: 'call', callId: 'c_abcdefgh12', callerId: BOB, outcome, media: { audio: true, video: true }, ...extra,
});

function client(items: LocalMessage[]): FakeClient {
  const c = new FakeClient();
  c.profiles.set(BOB, user(BOB, 'Bob'));
  c.setConversations(conversation(BOB, { lastSeq: items.length, lastMessage: items.at(-1) ?? null }));
  c.setMessages(C, items, false);
  return c;
}

describe('rich message states in the thread', () => {
  it('shows a tombstone for a deleted message, "edited" on an edited one, and a call record as a notice', () => {
    const items = [
      { ...message(C, BOB, 1, ''), content: { type: 'deleted' as const, by: BOB }, updatedSeq: 3 },
      { ...message(C, BOB, 2, 'fixed the typo'), editedAt: 5, updatedSeq: 4 },
      { ...message(C, BOB, 3, ''), content: call('completed', { durationMs: 185_000 }) },
    ];
    const { container, getByText } = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: C }).props} />, { client: client(items) });
    expect(getByText('Message deleted').tagName).toBe('I');
    expect(getByText('edited')).toBeTruthy();
    expect(container.querySelector('.qc-system')?.textContent).toBe('📹 Call · 3:05');
  });

  it('previews a call record in the chat list', async () => {
    const items = [{ ...message(C, BOB, 1, ''), content: call('missed', { media: { audio: true, video: false } }) }];
    const { findByText } = renderChat(<ConversationList {...screenProps({ name: 'chats' }).props} />, { client: client(items) });
    expect(await findByText('📞 Missed call')).toBeTruthy();
  });

  it('words every outcome in both languages', () => {
    const outcomes: CallRecordContent['outcome'][] = ['completed', 'missed', 'declined', 'cancelled', 'busy', 'failed'];
    for (const locale of ['en', 'zh-CN'] as const) {
      const lines = outcomes.map((o) => callRecordText(call(o, { durationMs: 61_000 }), translator(locale)));
      expect(new Set(lines).size).toBe(outcomes.length);
      expect(lines[0]).toContain('1:01');
    }
    expect(callRecordText(call('declined'), translator('zh-CN'))).toBe('📹 通话已拒绝');
  });
});
