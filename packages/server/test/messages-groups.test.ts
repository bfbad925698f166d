import { afterEach, describe, expect, it } from 'vitest';
import type { AckFrame, ErrorFrame, Message } from '@quickchat/protocol';
import { GroupsHarness } from './support/groups.js';
import { sendContent, sendTo } from './support/messaging.js';
import { sync } from './support/friends.js';
import type { TestUser } from './support/rest.js';

/**
 * Mentions and moderation in groups: a mentioned member sees the flag and a per-conversation
 * count on every device; mentions of outsiders are refused; owners and admins delete the
 * messages of those they outrank, nobody else's.
 */

let h: GroupsHarness;
afterEach(async () => h?.close());

function acked(reply: AckFrame | ErrorFrame): AckFrame {
  if (reply.type !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(reply)}`);
  return reply;
}

async function crew() {
  h = await GroupsHarness.start();
  const users = await h.users(['owner', 'admin', 'member', 'other', 'outsider'], [
    ['owner', 'admin'],
    ['owner', 'member'],
    ['owner', 'other'],
  ]);
  const g = await h.createGroup(users.owner, { members: [users.admin.id, users.member.id, users.other.id] });
  expect((await h.setRole(users.owner, g, users.admin.id, 'admin')).status).toBe(204);
  return { ...users, g };
}

const summary = async (h: GroupsHarness, user: TestUser, id: string) =>
  ((await h.rest.call('GET', '/api/conversations', { token: user.token })).body.items as { conversationId: string; mentions: number; unread: number }[]).find((c) => c.conversationId === id)!;

describe('mentions', () => {
  it('flag the message and count per conversation on every device, until read', async () => {
    const { owner, member, other, g } = await crew();
    const o = await h.connect(owner);
    const phone = await h.connect(member);
    const laptop = await h.connect(member);
    const sent = acked(await sendContent(o, g, { type: 'text', text: `@member look at this`, mentions: [member.id] }));
    for (const device of [phone, laptop]) {
      const live = await device.next((f) => f.type === 'message' && f.message.seq === sent.seq);
      expect(live.type === 'message' && live.message.content).toMatchObject({ mentions: [member.id] });
    }
    acked(await sendTo(o, g, 'no mention here'));
    expect(await summary(h, member, g)).toMatchObject({ mentions: 1 });
    expect(await summary(h, other, g)).toMatchObject({ mentions: 0 });
    expect((await sync(laptop, { cursors: {} })).conversations.find((c) => c.conversationId === g)).toMatchObject({ mentions: 1 });

    phone.send({ type: 'receipt', conversationId: g, read: sent.seq + 1 });
    await phone.next((f) => f.type === 'receipt' && f.userId === member.id && f.read === sent.seq + 1);
    expect(await summary(h, member, g)).toMatchObject({ mentions: 0, unread: 0 });
  });

  it('an edit that adds a mention counts it; a delete takes it away', async () => {
    const { owner, member, g } = await crew();
    const o = await h.connect(owner);
    const sent = acked(await sendTo(o, g, 'hello team'));
    acked(await sendContent(o, g, { type: 'edit', target: sent.seq, text: 'hello @member', mentions: [member.id] }));
    expect(await summary(h, member, g)).toMatchObject({ mentions: 1 });
    acked(await sendContent(o, g, { type: 'delete', target: sent.seq }));
    expect(await summary(h, member, g)).toMatchObject({ mentions: 0 });
  });

  it('of a non-member or an unknown id are refused with a clear error, and nothing is stored', async () => {
    const { owner, outsider, g } = await crew();
    const o = await h.connect(owner);
    const reply = await sendContent(o, g, { type: 'text', text: '@outsider hi', mentions: [outsider.id] });
    expect(reply).toMatchObject({ type: 'error', code: 'validation', message: `mentions: ${outsider.id} is not a member of this conversation` });
    expect((await sendContent(o, g, { type: 'text', text: 'x', mentions: ['not a user id!'] })).type).toBe('error');
    expect((await sendContent(o, g, { type: 'text', text: 'x', mentions: [outsider.id, outsider.id] })).type).toBe('error');
    const history = await h.history(owner, g);
    expect(history.body.messages.every((m) => m.content.type === 'system')).toBe(true);
  });
});

describe('deleting in groups', () => {
  it('owners and admins delete messages of members they outrank; members only their own', async () => {
    const { owner, admin, member, other, g } = await crew();
    const [o, a, m, x] = [await h.connect(owner), await h.connect(admin), await h.connect(member), await h.connect(other)];
    const byMember = acked(await sendTo(m, g, 'spam spam'));
    const byOther = acked(await sendTo(x, g, 'fine message'));
    const byAdmin = acked(await sendTo(a, g, 'admin says'));
    const byOwner = acked(await sendTo(o, g, 'owner says'));

    const del = (c: typeof o, seq: number) => sendContent(c, g, { type: 'delete', target: seq });
    expect(await del(m, byOther.seq)).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await del(a, byOwner.seq)).toMatchObject({ type: 'error', code: 'forbidden' });
    acked(await del(a, byMember.seq));
    acked(await del(o, byAdmin.seq));
    acked(await del(x, byOther.seq));

    const page = (await h.rest.call<{ messages: Message[] }>('GET', `/api/conversations/${encodeURIComponent(g)}/messages`, { token: other.token })).body.messages;
    const at = (seq: number) => page.find((p) => p.seq === seq)!.content;
    expect(at(byMember.seq)).toEqual({ type: 'deleted', by: admin.id });
    expect(at(byAdmin.seq)).toEqual({ type: 'deleted', by: owner.id });
    expect(at(byOther.seq)).toEqual({ type: 'deleted', by: other.id });
    expect(at(byOwner.seq)).toEqual({ type: 'text', text: 'owner says' });
  });

  it('notices cannot be edited, deleted or reacted to', async () => {
    const { owner, g } = await crew();
    const o = await h.connect(owner);
    for (const content of [{ type: 'edit', target: 1, text: 'x' }, { type: 'delete', target: 1 }, { type: 'reaction', target: 1, emoji: '👍', active: true }]) {
      expect(await sendContent(o, g, content)).toMatchObject({ type: 'error', code: 'forbidden' });
    }
  });
});
