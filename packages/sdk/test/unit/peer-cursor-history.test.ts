import { describe, expect, it } from 'vitest';
import { createConversations } from '../../src/conversations/conversations.js';
import { FakeClock, message } from '../support/fakes.js';

const C = 'dm:alice~bob';

// After a reload, own messages come back from history and catch-up as plain stored messages;
// the peer's cursors arrive in the conversation summary. Both orders must end in the right ticks.
describe('own messages loaded after a reload', () => {
  const setup = () => createConversations(() => 'alice', new FakeClock().env);
  const summary = (delivered: number, read: number) => ({
    conversationId: C,
    kind: 'dm' as const,
    peerId: 'bob',
    lastSeq: 4,
    floor: 0,
    unread: 0,
    mentions: 0,
    cursors: [
      { userId: 'alice', delivered: 4, read: 4 },
      { userId: 'bob', delivered, read },
    ],
    lastMessage: null,
    messages: [],
    limited: false,
  });
  const states = (c: ReturnType<typeof setup>) => c.messages.getState()[C]?.items.map((m) => `${m.seq}:${m.state}`);
  const mine = [1, 2, 3, 4].map((seq) => message(C, seq, 'alice'));

  it('history loaded after the summary takes the peer’s cursors', () => {
    const c = setup();
    c.applySummary(summary(3, 2));
    c.prepend(C, mine, false);
    expect(states(c)).toEqual(['1:read', '2:read', '3:delivered', '4:sent']);
  });

  it('messages surfaced before the summary are raised when it arrives', () => {
    const c = setup();
    for (const m of mine) c.surface(m);
    expect(states(c)).toEqual(['1:sent', '2:sent', '3:sent', '4:sent']);
    c.applySummary(summary(3, 2));
    expect(states(c)).toEqual(['1:read', '2:read', '3:delivered', '4:sent']);
  });
});
