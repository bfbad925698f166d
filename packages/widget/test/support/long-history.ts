/**
 * A long DM history for the windowed message list's browser test and the B1 scroll-back
 * benchmark: messages of varied height (short, multi-line long, folded, emoji-only), over several days (so
 * day separators), appended through the server's own store API to a data directory while no
 * server runs on it, and the reader's read cursor placed so the newest messages are unread.
 */
import { join } from 'node:path';
import { dmConversationId } from '@quickchat/sdk';
import { openSqliteStore } from '../../../server/src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../../../server/src/store/conversations.js';

/** What {@link seedLongHistory} wrote. */
export interface LongHistory {
  conversationId: string;
  messages: number;
  /** Messages after the reader's read cursor (all from the writer). */
  unread: number;
}

const DAY_MS = 86_400_000;
const WORDS = ['hello', 'the', 'build', 'passed', 'again', 'lunch?', 'sure', 'ship', 'it', 'tomorrow', 'review', 'looks', 'good', 'one', 'more', 'thing'];

/** The text of message `i` (0-based): starts with `#<i+1>`, so tests find a message by number. */
export function historyText(i: number): string {
  const n = `#${String(i + 1).padStart(4, '0')}`;
  if (i % 97 === 50) return `${n} a very long message, folded with Show more: ${'lorem ipsum dolor sit amet '.repeat(50)}`;
  if (i % 23 === 5) return '🎉';
  if (i % 37 === 9) return '👍😄';
  const words = Array.from({ length: 3 + ((i * 7) % 14) }, (_, k) => WORDS[(i + k * 3) % WORDS.length]).join(' ');
  if (i % 17 === 3) return `${n} ${words}\n${'a longer note that wraps over several lines, '.repeat(6)}\nend of ${n}`;
  return `${n} ${words}`;
}

/**
 * Appends `messages` messages to the DM of `reader` and `writer` (alternating senders, the last
 * `unread` all from the writer) spread over the `days` before `now`, and moves the reader's read
 * cursor to just before the unread ones. The data directory's server must be stopped.
 */
export async function seedLongHistory(dataDir: string, reader: string, writer: string, options: { messages: number; unread: number; days?: number; now?: number }): Promise<LongHistory> {
  const { messages, unread, days = 8, now = Date.now() } = options;
  const store = openSqliteStore({ file: join(dataDir, 'quickchat.db'), synchronous: 'NORMAL' });
  const conversationId = dmConversationId(reader, writer);
  try {
    const start = now - days * DAY_MS;
    await store.createConversation({ id: conversationId, kind: 'dm', members: [reader, writer], createdAt: start - 1 });
    const batch: NewMessage[] = [];
    for (let i = 0; i < messages; i++) {
      const senderId = i >= messages - unread || i % 3 !== 0 ? writer : reader;
      const content = { type: 'text' as const, text: historyText(i) };
      batch.push({ id: `m_long_${i}`, conversationId, senderId, clientMsgId: `long-${i}`, content, createdAt: Math.round(start + ((now - 60_000 - start) * i) / messages) });
    }
    const results = await store.appendMessages(batch);
    if (results.some((r) => r.status !== 'stored')) throw new Error('seedLongHistory: a message was refused');
    await store.advanceCursor(conversationId, reader, { read: messages - unread });
    return { conversationId, messages, unread };
  } finally {
    await store.close();
  }
}
