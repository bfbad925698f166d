// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@quickchat/sdk';
import type { GroupRole, JoinMode } from '@quickchat/sdk/groups';
import { GroupInfo } from '../src/screens/group-info.js';
import { FakeClient, ME, message, user } from './support/fake-client.js';
import { GROUP_ID, PEOPLE, groupPath, member, serveGroup, type GroupScript } from './support/group-rest.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

function setup(script: GroupScript, options: { locale?: string } = {}) {
  const client = new FakeClient();
  const rest = serveGroup(client, script);
  const { props, routes } = screenProps({ name: 'group-info', conversationId: GROUP_ID });
  const view = renderChat(<GroupInfo {...props} />, { client, ...options });
  return { ...view, rest, routes };
}

/** The labels of a member's "More actions" menu (empty: no menu on their row). */
function menuOf(container: ParentNode, userId: string): string[] {
  const row = container.querySelector<HTMLElement>(`[data-member="${userId}"]`)!;
  const button = within(row).queryByRole('button', { name: /^More actions for/ });
  if (!button) return [];
  fireEvent.click(button);
  const labels = within(row)
    .getAllByRole('menuitem')
    .map((b) => b.textContent!);
  fireEvent.keyDown(within(row).getByRole('menu'), { key: 'Escape' });
  return labels;
}

/** The group-wide action buttons shown (edit, invite, leave, dissolve). */
function groupButtons(ui: ReturnType<typeof setup>): string[] {
  return ['Edit name and picture', 'Invite friends', 'Leave group', 'Dissolve group'].filter((name) => ui.queryByRole('button', { name }));
}

async function loaded(ui: ReturnType<typeof setup>) {
  await ui.findByRole('heading', { level: 2, name: 'Climbers' });
  await ui.findByRole('heading', { level: 3, name: 'Members' });
}

describe('group info: controls follow the role', () => {
  it('an owner edits, invites and dissolves, manages everyone, and is told to transfer before leaving', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    expect(groupButtons(ui)).toEqual(['Edit name and picture', 'Invite friends', 'Dissolve group']);
    expect(ui.getByText('To leave, make another member the owner first.')).toBeTruthy();
    expect(menuOf(ui.container, PEOPLE.admin.id)).toEqual(['Remove as admin', 'Make owner', 'Remove from group']);
    expect(menuOf(ui.container, PEOPLE.member.id)).toEqual(['Make admin', 'Make owner', 'Remove from group']);
    expect(menuOf(ui.container, ME)).toEqual([]); // nothing on your own row
    expect(ui.container.querySelector(`[data-member="${ME}"]`)!.textContent).toContain('Owner · You');
  });

  it('lists the owner first, then admins, then members', async () => {
    const ui = setup({ myRole: 'member', members: [member(PEOPLE.member, 'member'), member(PEOPLE.admin, 'admin'), member(user(ME, 'Me'), 'member'), member(PEOPLE.owner, 'owner'), member(PEOPLE.other, 'admin')] });
    await loaded(ui);
    expect([...ui.container.querySelectorAll<HTMLElement>('[data-member]')].map((r) => r.dataset['member'])).toEqual(['u_olga', 'u_adam', 'u_max', 'u_mia', ME]);
  });

  it('an admin edits and invites, removes members only, and may leave, but never dissolves', async () => {
    const ui = setup({ myRole: 'admin', members: [member(PEOPLE.owner, 'owner'), member(user(ME, 'Me'), 'admin'), member(PEOPLE.admin, 'admin'), member(PEOPLE.member, 'member')] });
    await loaded(ui);
    expect(groupButtons(ui)).toEqual(['Edit name and picture', 'Invite friends', 'Leave group']);
    expect(menuOf(ui.container, PEOPLE.member.id)).toEqual(['Remove from group']);
    expect(menuOf(ui.container, PEOPLE.admin.id)).toEqual([]); // an equal
    expect(menuOf(ui.container, PEOPLE.owner.id)).toEqual([]);
  });

  it('a member only leaves (and invites, in a group whose join mode lets members invite)', async () => {
    for (const [joinMode, buttons] of [
      ['invite', ['Invite friends', 'Leave group']],
      ['request', ['Leave group']],
      ['closed', ['Leave group']],
    ] as [JoinMode, string[]][]) {
      const ui = setup({ myRole: 'member', joinMode });
      await loaded(ui);
      expect(groupButtons(ui), joinMode).toEqual(buttons);
      for (const id of [PEOPLE.owner.id, PEOPLE.admin.id, PEOPLE.member.id]) expect(menuOf(ui.container, id)).toEqual([]);
      expect(ui.queryByText('Requests to join')).toBeNull();
      cleanup();
    }
  });

  it('loads join requests only for owners and admins', async () => {
    for (const role of ['owner', 'admin', 'member'] as GroupRole[]) {
      const ui = setup({ myRole: role, requests: [{ user: PEOPLE.other, kind: 'request', memo: 'hi', actorId: PEOPLE.other.id, at: 1 }] });
      await loaded(ui);
      expect(ui.rest.calls().some((c) => c.endsWith('/requests')), role).toBe(role !== 'member');
      expect(!!ui.queryByText('Requests to join'), role).toBe(role !== 'member');
      cleanup();
    }
  });
});

describe('group info: actions', () => {
  it('shows members with their roles, avatars or initials, and pages through them', async () => {
    const many = Array.from({ length: 5 }, (_, i) => member(user(`u_${i}`, `Person ${i}`, i === 0 ? { avatarUrl: 'https://img.test/0.png' } : {}), i === 0 ? 'owner' : 'member'));
    const ui = setup({ myRole: 'member', members: [...many, member(user(ME, 'Me'), 'member')], pageSize: 4 });
    await loaded(ui);
    const rows = () => [...ui.container.querySelectorAll<HTMLElement>('[data-member]')];
    expect(rows().map((r) => r.querySelector('.qc-name')!.textContent)).toEqual(['Person 0', 'Person 1', 'Person 2', 'Person 3']);
    expect(rows()[0]!.querySelector('img')!.getAttribute('src')).toBe('https://img.test/0.png');
    expect(rows()[1]!.querySelector('.qc-avatar')!.textContent).toBe('P');
    expect(rows()[0]!.textContent).toContain('Owner');
    fireEvent.click(ui.getByRole('button', { name: 'Show more members' }));
    await waitFor(() => expect(rows()).toHaveLength(6));
    expect(ui.rest.calls()).toContain(`GET /api/groups/${encodeURIComponent(GROUP_ID)}/members?after=u_3`);
    expect(ui.queryByRole('button', { name: 'Show more members' })).toBeNull();
  });

  it('asks before removing a member, naming them, and does nothing on Cancel', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    const open = () => {
      fireEvent.click(ui.getByRole('button', { name: 'More actions for Mia' }));
      fireEvent.click(ui.getByRole('menuitem', { name: 'Remove from group' }));
      return ui.findByRole('dialog', { name: 'Remove Mia?' });
    };
    const dialog = await open();
    expect(dialog.textContent).toContain('Mia will be removed from “Climbers”');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(ui.queryByRole('dialog')).toBeNull());
    expect(ui.rest.changes()).toEqual([]);
    fireEvent.click(within(await open()).getByRole('button', { name: 'Remove from group' }));
    await waitFor(() => expect(ui.rest.changes()).toEqual([`DELETE /api/groups/${encodeURIComponent(GROUP_ID)}/members/u_mia`]));
  });

  it('confirms a transfer of ownership, then hands it over', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    fireEvent.click(ui.getByRole('button', { name: 'More actions for Adam' }));
    fireEvent.click(ui.getByRole('menuitem', { name: 'Make owner' }));
    const dialog = await ui.findByRole('dialog', { name: 'Make Adam the owner?' });
    expect(dialog.textContent).toContain('you’ll become an admin');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Make owner' }));
    await waitFor(() => expect(ui.rest.requests.filter((r) => r.call.startsWith('POST'))).toEqual([{ call: `POST /api/groups/${encodeURIComponent(GROUP_ID)}/transfer`, body: { userId: 'u_adam' } }]));
  });

  it('promotes and demotes without asking', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    fireEvent.click(ui.getByRole('button', { name: 'More actions for Mia' }));
    fireEvent.click(ui.getByRole('menuitem', { name: 'Make admin' }));
    fireEvent.click(ui.getByRole('button', { name: 'More actions for Adam' }));
    fireEvent.click(ui.getByRole('menuitem', { name: 'Remove as admin' }));
    await waitFor(() =>
      expect(ui.rest.requests.filter((r) => r.call.startsWith('PUT'))).toEqual([
        { call: `PUT /api/groups/${encodeURIComponent(GROUP_ID)}/members/u_mia/role`, body: { role: 'admin' } },
        { call: `PUT /api/groups/${encodeURIComponent(GROUP_ID)}/members/u_adam/role`, body: { role: 'member' } },
      ]),
    );
  });

  it('leaves after confirming, then goes back to the chats', async () => {
    const ui = setup({ myRole: 'member' });
    await loaded(ui);
    fireEvent.click(ui.getByRole('button', { name: 'Leave group' }));
    const dialog = await ui.findByRole('dialog', { name: 'Leave “Climbers”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Leave group' }));
    await waitFor(() => expect(ui.routes).toEqual([{ name: 'chats' }]));
    expect(ui.rest.changes()).toEqual([`POST /api/groups/${encodeURIComponent(GROUP_ID)}/leave`]);
  });

  it('dissolves after confirming (owner), then goes back to the chats', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    fireEvent.click(ui.getByRole('button', { name: 'Dissolve group' }));
    const dialog = await ui.findByRole('dialog', { name: 'Dissolve “Climbers”?' });
    expect(dialog.textContent).toContain('can’t be undone');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Dissolve group' }));
    await waitFor(() => expect(ui.routes).toEqual([{ name: 'chats' }]));
    expect(ui.rest.changes()).toEqual([`DELETE /api/groups/${encodeURIComponent(GROUP_ID)}`]);
  });

  it('renames the group and sets its picture in a dialog, sending only what changed', async () => {
    const ui = setup({ myRole: 'admin' });
    await loaded(ui);
    fireEvent.click(ui.getByRole('button', { name: 'Edit name and picture' }));
    const dialog = await ui.findByRole('dialog', { name: 'Edit name and picture' });
    const name = within(dialog).getByRole('textbox', { name: 'Group name' }) as HTMLInputElement;
    expect(name.value).toBe('Climbers');
    fireEvent.input(name, { target: { value: '  ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByRole('status').textContent).toBe('Enter a name for the group.');
    fireEvent.input(name, { target: { value: 'מטפסים 🧗 攀岩' } });
    fireEvent.input(within(dialog).getByRole('textbox', { name: /Group picture URL/ }), { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByRole('status').textContent).toBe('The picture must be an http(s) link to an image.');
    fireEvent.input(within(dialog).getByRole('textbox', { name: /Group picture URL/ }), { target: { value: 'https://img.test/g.png' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(ui.getAllByRole('status').some((s) => s.textContent === 'Saved.')).toBe(true));
    expect(ui.rest.requests.filter((r) => r.call.startsWith('PATCH'))).toEqual([{ call: `PATCH /api/groups/${encodeURIComponent(GROUP_ID)}`, body: { name: 'מטפסים 🧗 攀岩', avatarUrl: 'https://img.test/g.png' } }]);
  });

  it('invites friends who are not members yet, and says who was added and who invited', async () => {
    const client = new FakeClient();
    client.friendsStore.update((s) => ({ ...s, friends: [PEOPLE.member, PEOPLE.other, user('u_noor', 'نور')].map((u) => ({ user: u, status: 'friends' as const, memo: null, since: 1 })) }));
    const rest = serveGroup(client, { myRole: 'member', outcome: { added: ['u_max'], invited: ['u_noor'], skipped: [], refused: [] } });
    const ui = renderChat(<GroupInfo {...screenProps({ name: 'group-info', conversationId: GROUP_ID }).props} />, { client });
    await ui.findByRole('heading', { level: 3, name: 'Members' });
    fireEvent.click(ui.getByRole('button', { name: 'Invite friends' }));
    const dialog = await ui.findByRole('dialog', { name: 'Invite friends' });
    // Mia is a member already.
    expect(within(dialog).getAllByRole('checkbox').map((c) => c.closest('label')!.querySelector('.qc-name')!.textContent)).toEqual(['Max', 'نور']);
    expect((within(dialog).getByRole('button', { name: 'Add to group' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Max/ }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /نور/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add to group' }));
    await waitFor(() => expect(ui.getAllByRole('status').some((s) => s.textContent === 'Added 1, invited 1.')).toBe(true));
    expect(rest.requests.filter((r) => r.call.startsWith('POST'))).toEqual([{ call: `POST /api/groups/${encodeURIComponent(GROUP_ID)}/members`, body: { userIds: ['u_max', 'u_noor'] } }]);
  });

  it('answers join requests, showing the memo as the requester wrote it', async () => {
    const memo = 'שלום! أريد الانضمام 🙏';
    const ui = setup({ myRole: 'admin', requests: [{ user: PEOPLE.other, kind: 'request', memo, actorId: PEOPLE.other.id, at: 1 }, { user: user('u_zoe', 'Zoe'), kind: 'request', memo: null, actorId: 'u_zoe', at: 2 }] });
    await ui.findByText('Requests to join');
    const row = ui.container.querySelector<HTMLElement>('[data-request="u_max"]')!;
    expect(row.textContent).toContain(memo);
    expect(row.querySelector('[dir="auto"]:last-child')!.textContent).toBe(memo);
    fireEvent.click(ui.getByRole('button', { name: 'Approve Max' }));
    fireEvent.click(ui.getByRole('button', { name: 'Decline Zoe' }));
    await waitFor(() => expect(ui.rest.changes()).toEqual([`POST /api/groups/${encodeURIComponent(GROUP_ID)}/requests/u_max/approve`, `POST /api/groups/${encodeURIComponent(GROUP_ID)}/requests/u_zoe/decline`]));
  });
});

describe('group info: refusals and safety', () => {
  it('says in words why the server refused an action', async () => {
    const ui = setup({ myRole: 'owner' });
    await loaded(ui);
    const cases: [ApiError | Error, string][] = [
      [new ApiError('forbidden', 'only the owner may do this in this group', 403), 'Your role in this group doesn’t allow that.'],
      [new ApiError('conflict', 'the group is full', 409), 'A limit was reached: the group is full, too many requests are waiting, or that person owns as many groups as allowed.'],
      [new ApiError('not_found', 'not found', 404), 'This group no longer exists, or you’re no longer in it.'],
      [new ApiError('rate_limited', 'slow down', 429), 'Too many attempts. Wait a moment and try again.'],
      [new TypeError('Failed to fetch'), 'Can’t reach the chat server. Check your connection and try again.'],
    ];
    for (const [error, text] of cases) {
      ui.rest.on('PUT', groupPath('/members/[^/]+/role'), () => {
        throw error;
      });
      fireEvent.click(ui.getByRole('button', { name: 'More actions for Mia' }));
      fireEvent.click(ui.getByRole('menuitem', { name: 'Make admin' }));
      await waitFor(() => expect(ui.container.querySelector('.qc-status.qc-error')?.textContent).toBe(text));
    }
  });

  it('says so when the group cannot be loaded', async () => {
    const client = new FakeClient();
    serveGroup(client, { myRole: 'member' }).on('GET', groupPath(), () => {
      throw new ApiError('not_found', 'not found', 404);
    });
    const ui = renderChat(<GroupInfo {...screenProps({ name: 'group-info', conversationId: GROUP_ID }).props} />, { client });
    expect((await ui.findByRole('alert')).textContent).toBe('This group no longer exists, or you’re no longer in it.');
  });

  it('shows names and memos that look like markup as text', async () => {
    const xss = '<img src=x onerror="globalThis.pwned=1">';
    const ui = setup({ myRole: 'owner', name: xss, members: [member(user(ME, 'Me'), 'owner'), member(user('u_x', `<script>globalThis.pwned=1</script>`), 'member')], requests: [{ user: user('u_y', xss), kind: 'request', memo: xss, actorId: 'u_y', at: 1 }] });
    expect(await ui.findByRole('heading', { level: 2, name: xss })).toBeTruthy();
    await ui.findByRole('heading', { level: 3, name: 'Members' });
    expect(ui.container.querySelector('img[src="x"], script')).toBeNull();
    expect(ui.container.textContent).toContain('<script>globalThis.pwned=1</script>');
    fireEvent.click(ui.getByRole('button', { name: 'Dissolve group' }));
    const dialog = await ui.findByRole('dialog', { name: `Dissolve “${xss}”?` });
    expect(dialog.querySelector('img, script')).toBeNull();
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('reloads when the group changes elsewhere (a notice arrives)', async () => {
    const ui = setup({ myRole: 'member' });
    await loaded(ui);
    const gets = () => ui.rest.calls().filter((c) => c === `GET /api/groups/${encodeURIComponent(GROUP_ID)}`).length;
    expect(gets()).toBe(1);
    ui.client.emit('message', { message: message(GROUP_ID, PEOPLE.owner.id, 9, '', { content: { type: 'system', action: 'role_changed', actorId: PEOPLE.owner.id, targetIds: [ME], role: 'admin' } }) } as never);
    await waitFor(() => expect(gets()).toBe(2));
  });

  it('reads in Simplified Chinese', async () => {
    const ui = setup({ myRole: 'owner' }, { locale: 'zh-CN' });
    await ui.findByRole('heading', { level: 3, name: '成员' });
    expect(ui.getByRole('button', { name: '解散群组' })).toBeTruthy();
    expect(ui.container.querySelector(`[data-member="${ME}"]`)!.textContent).toContain('群主 · 你');
    expect(ui.getByRole('button', { name: 'Mia 的更多操作' })).toBeTruthy();
  });
});
