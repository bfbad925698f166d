// @vitest-environment happy-dom
/**
 * Rich messages in group threads: each run of one sender's messages under their avatar and name,
 * "read by N" under your messages, several typers, mention suggestions (inserting `@handle` and
 * sending the member's id as a mention), mentions of you marked, and delete offered to owners and
 * admins for the members their role outranks.
 */
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationView, GroupRole, LocalMessage, PublicUser } from '@quickchat/sdk';
import type { GroupMember } from '@quickchat/sdk/groups';
import { Thread } from '../src/screens/thread.js';
import { ME, FakeClient, conversation, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const G = 'g:climbers';
const ANN = 'u_ann';
const BOB = 'u_bob';
const CAT = 'u_cat';
/** An Arabic display name: it must keep its own direction beside the avatar. */
const CAT_NAME = 'قطة';
const people: Record<string, PublicUser> = { [ANN]: user(ANN, 'Ann'), [BOB]: user(BOB, 'Bob'), [CAT]: user(CAT, CAT_NAME, { handle: 'cat' }), [ME]: user(ME, 'Me') };
const member = (id: string, role: GroupRole): GroupMember => ({ user: people[id]!, role, joinedAt: 1 });

function setup(items: LocalMessage[], options: { role?: GroupRole; cursors?: MemberCursor[]; typing?: string[]; members?: GroupMember[] } = {}) {
  const client = new FakeClient();
  for (const p of Object.values(people)) client.profiles.set(p.id, p);
  const view = { ...conversation('x', { lastSeq: items.length, cursors: options.cursors ?? [], typing: options.typing ?? [] }), conversationId: G, kind: 'group' as const, peerId: null };
  client.setConversations({ ...view, group: { name: 'Climbers', avatarUrl: null, memberCount: 4, role: options.role ?? 'member' } });
  client.setMessages(G, items, false);
  client.groupMembers.set(G, options.members ?? [member(ME, options.role ?? 'member'), member(ANN, 'member'), member(BOB, 'admin'), member(CAT, 'owner')]);
  const r = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: G }).props} />, { client });
  return { ...r, log: r.getByRole('log'), box: r.getByRole('textbox') as HTMLTextAreaElement };
}

/** A member's receipt cursor, as `synced` lists it. */
type MemberCursor = ConversationView['cursors'][number];
const cursor = (userId: string, read: number): MemberCursor => ({ userId, delivered: read, read });

describe('group threads: who said it', () => {
  it('names each run of one sender’s messages once, with their avatar; not your own, and again after a notice', async () => {
    const notice: LocalMessage = { ...message(G, ANN, 4, ''), content: { type: 'system', action: 'joined', actorId: CAT } };
    const items = [message(G, ANN, 1, 'hi'), message(G, ANN, 2, 'anyone climbing?'), message(G, CAT, 3, '🧗‍♀️'), notice, message(G, CAT, 5, 'me!'), message(G, ME, 6, 'count me in'), message(G, BOB, 7, 'x'.repeat(500))];
    const r = setup(items);
    await waitFor(() => expect([...r.log.querySelectorAll('.qc-sender')].map((s) => s.textContent)).toEqual(['AAnn', `${CAT_NAME[0]}${CAT_NAME}`, `${CAT_NAME[0]}${CAT_NAME}`, 'BBob']));
    // The names are in <bdi>, so an Arabic name keeps its own direction.
    expect(r.log.querySelector('.qc-sender bdi')).not.toBeNull();
    // Each message still says who wrote it, for screen readers.
    expect([...r.log.querySelectorAll('.qc-bubble .qc-sr')].map((s) => s.textContent)).toEqual(['Ann: ', 'Ann: ', `${CAT_NAME}: `, `${CAT_NAME}: `, 'You: ', 'Bob: ']);
  });

  it('shows "read by N" under your messages from the members’ read cursors, live', async () => {
    const mine = message(G, ME, 3, 'see you at 6');
    const r = setup([message(G, ANN, 1, 'plan?'), message(G, ANN, 2, 'ok'), mine], { cursors: [cursor(ME, 3), cursor(ANN, 3), cursor(BOB, 2)] });
    const meta = () => r.log.querySelector('.qc-own .qc-meta')!.textContent;
    expect(meta()).toContain('Read by 1');
    r.client.setConversations({ ...r.client.conversations.getState()[G]!, cursors: [cursor(ME, 3), cursor(ANN, 3), cursor(BOB, 3), cursor(CAT, 3)] });
    await waitFor(() => expect(meta()).toContain('Read by 3'));
    // Nobody else read it: nothing said.
    r.client.setConversations({ ...r.client.conversations.getState()[G]!, cursors: [cursor(ME, 3)] });
    await waitFor(() => expect(meta()).not.toContain('Read by'));
  });

  it('says who is typing: one, two, or the first and how many others', async () => {
    const r = setup([], { typing: [ANN, BOB, CAT] });
    await waitFor(() => expect(r.container.querySelector('.qc-typing')!.textContent).toBe('Ann and 2 others are typing…'));
    r.client.setConversations({ ...r.client.conversations.getState()[G]!, typing: [CAT, BOB] });
    await waitFor(() => expect(r.container.querySelector('.qc-typing')!.textContent).toBe(`${CAT_NAME} and Bob are typing…`));
  });
});

describe('group threads: mentions', () => {
  it('suggests members on @ (not you), inserts @handle with the keyboard, and sends the mention', async () => {
    const r = setup([message(G, ANN, 1, 'who leads?')]);
    fireEvent.input(r.box, { target: { value: 'I think @', selectionStart: 9 } });
    const list = await r.findByRole('listbox', { name: 'Members to mention' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['Ann @ann', 'Bob @bob', `${CAT_NAME} @cat`]);
    fireEvent.input(r.box, { target: { value: 'I think @b', selectionStart: 10 } });
    await waitFor(() => expect(within(r.getByRole('listbox')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Bob @bob']));
    expect(r.box.getAttribute('aria-activedescendant')).toBe(within(r.getByRole('listbox')).getByRole('option').id);
    fireEvent.keyDown(r.box, { key: 'Enter' });
    await waitFor(() => expect(r.box.value).toBe('I think @bob '));
    expect(r.queryByRole('listbox')).toBeNull();
    expect(r.client.sentContent).toEqual([]); // Enter picked the member, it did not send
    fireEvent.input(r.box, { target: { value: 'I think @bob and @ann should', selectionStart: 28 } });
    fireEvent.keyDown(r.box, { key: 'Enter' });
    await waitFor(() => expect(r.client.sentContent).toEqual([{ type: 'text', text: 'I think @bob and @ann should', mentions: [BOB, ANN] }]));
  });

  it('moves through suggestions with Up and Down, and Escape closes the list (not the panel)', async () => {
    const r = setup([]);
    fireEvent.input(r.box, { target: { value: '@', selectionStart: 1 } });
    const list = await r.findByRole('listbox');
    const selected = () => within(r.getByRole('listbox')).getAllByRole('option').findIndex((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()).toBe(0);
    fireEvent.keyDown(r.box, { key: 'ArrowUp' });
    await waitFor(() => expect(selected()).toBe(2));
    fireEvent.keyDown(r.box, { key: 'ArrowDown' });
    await waitFor(() => expect(selected()).toBe(0));
    expect(list).toBeTruthy();
    let reachedPanel = false;
    const listen = () => (reachedPanel = true);
    document.addEventListener('keydown', listen);
    fireEvent.keyDown(r.box, { key: 'Escape' });
    document.removeEventListener('keydown', listen);
    expect(reachedPanel).toBe(false);
    await waitFor(() => expect(r.queryByRole('listbox')).toBeNull());
  });

  it('marks mentions of you (only when the message flags you), as text', async () => {
    const payload = '<b>bold</b> @me, look';
    const r = setup([message(G, ANN, 1, payload, { content: { type: 'text', text: payload, mentions: [ME] } }), message(G, BOB, 2, 'not flagged: @me')]);
    await waitFor(() => expect(r.log.querySelectorAll('mark')).toHaveLength(1));
    expect(r.log.querySelector('mark')!.textContent).toBe('@me');
    expect(r.log.querySelector('b')).toBeNull();
    expect(r.log.textContent).toContain('<b>bold</b>');
  });

  it('sends plain text without loading anything in a DM or without @', async () => {
    const client = new FakeClient();
    client.profiles.set(ANN, people[ANN]!);
    client.setConversations(conversation(ANN));
    const r = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: conversation(ANN).conversationId }).props} />, { client });
    const box = r.getByRole('textbox') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: 'mail me@example.com', selectionStart: 19 } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(client.sentContent).toEqual([{ type: 'text', text: 'mail me@example.com' }]);
    expect(r.queryByRole('listbox')).toBeNull();
    expect(client.memberFetches).toEqual([]);
  });
});

describe('group threads: moderation', () => {
  const items = () => [message(G, ANN, 1, 'spam spam'), message(G, BOB, 2, 'admin talk'), message(G, CAT, 3, 'owner talk'), message(G, ME, 4, 'mine')];
  const deletable = async (r: ReturnType<typeof setup>) => {
    const found: string[] = [];
    for (const button of within(r.log).getAllByRole('button', { name: /^Message actions/ })) {
      fireEvent.click(button);
      if (r.queryByRole('menuitem', { name: 'Delete' })) found.push(button.getAttribute('aria-label')!.replace('Message actions: ', ''));
      fireEvent.keyDown(r.getByRole('menu'), { key: 'Escape' });
    }
    return found;
  };

  it('lets an admin delete members’ messages (not another admin’s or the owner’s)', async () => {
    const r = setup(items(), { role: 'admin' });
    await waitFor(() => expect(r.client.memberFetches).toEqual([G]));
    await waitFor(async () => expect(await deletable(r)).toEqual(['Ann', 'You']));
  });

  it('lets the owner delete anyone’s', async () => {
    const r = setup(items(), { role: 'owner', members: [member(ME, 'owner'), member(ANN, 'member'), member(BOB, 'admin'), member(CAT, 'member')] });
    await waitFor(async () => expect(await deletable(r)).toEqual(['Ann', 'Bob', CAT_NAME, 'You']));
  });

  it('gives a member only their own, without fetching the member list', async () => {
    const r = setup(items(), { role: 'member' });
    await waitFor(() => within(r.log).getByRole('button', { name: 'Message actions: Ann' }));
    expect(await deletable(r)).toEqual(['You']);
    expect(r.client.memberFetches).toEqual([]);
  });
});
