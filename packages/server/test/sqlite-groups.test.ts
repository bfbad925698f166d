import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSqliteFile } from './support/sqlite-file.js';
import { EVERY } from './store-contract/support.js';
import { newGroup, notices, pending } from './store-contract/group-support.js';
import type { NewMessage, PendingKind } from '../src/store/types.js';

describe('SqliteStore groups specifics', () => {
  const G = 'g:team';
  const msg = (clientMsgId: string, senderId = 'u_alice'): NewMessage => ({
    id: `m_${clientMsgId}`,
    conversationId: G,
    senderId,
    clientMsgId,
    content: { type: 'text', text: clientMsgId },
    createdAt: 1000,
  });
  const sqlite = useSqliteFile('quickchat-sqlite-groups-');

  it('keeps a group message commit at three pages: the membership check reads, it does not write; a refused item writes nothing', async () => {
    // docs/decisions/0007: the row, its idempotency entry and the sender's own_after_read.
    const store = sqlite.open({ checkpointIntervalMs: 0 });
    await store.createGroup(newGroup(notices()));
    await store.appendMessages([msg('warm')]);
    const pageSize = sqlite.pragma('page_size') as number;
    const framesOf = async (batch: NewMessage[]): Promise<number> => {
      const before = fs.statSync(`${sqlite.path}-wal`).size;
      await store.appendMessages(batch);
      return (fs.statSync(`${sqlite.path}-wal`).size - before) / (pageSize + 24);
    };
    expect(await framesOf([msg('g1')])).toBe(3);
    expect(await framesOf([msg('g2', 'u_bob')])).toBe(3);
    expect(await framesOf([msg('g3', 'u_stranger')])).toBe(0);
  });

  it('rolls a change back whole when a part fails after its notice: the notice’s seq is not used up', async () => {
    const store = sqlite.open();
    const notice = notices();
    await store.createGroup(newGroup(notice));
    await store.appendMessages([msg('a1')]); // seq 2, and the appender remembers it
    const bad = { ...pending(G, 'u_dan', 'invite', 'u_alice', 20), kind: 'bogus' as PendingKind };
    await expect(
      store.applyGroupChange({
        conversationId: G,
        add: [{ userId: 'u_dan', role: 'member' }],
        message: notice(G, 'u_alice', 'added', 20),
        putPending: [bad],
        at: 20,
      }),
    ).rejects.toThrow(/CHECK constraint/);
    expect((await store.getMessages(G, { limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(await store.getMember(G, 'u_dan')).toBeNull();
    expect((await store.getGroup(G))?.memberCount).toBe(3);
    expect(await store.appendMessages([msg('a2')])).toMatchObject([{ status: 'stored', message: { seq: 3 } }]);
    expect((await store.getConversation(G, 'u_alice', EVERY))?.unread).toBe(0);
    expect((await store.getConversation(G, 'u_bob', EVERY))?.unread).toBe(3);
  });

  it('refuses a change whose notice cannot be stored, writing nothing (a caller bug, not a race)', async () => {
    const store = sqlite.open();
    const notice = notices();
    await store.createGroup(newGroup(notice));
    await expect(store.applyGroupChange({ conversationId: G, remove: ['u_bob'], message: notice(G, 'u_stranger', 'left', 20), at: 20 })).rejects.toThrow(/not_member/);
    await expect(store.applyGroupChange({ conversationId: G, message: notice('g:other', 'u_alice', 'edited', 20), at: 20 })).rejects.toThrow(/g:other/);
    expect(await store.listMemberIds(G)).toEqual(['u_alice', 'u_bob', 'u_carol']);
    expect(await store.appendMessages([msg('a1')])).toMatchObject([{ status: 'stored', message: { seq: 2 } }]);
  });
});
