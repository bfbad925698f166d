import { useRef, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar.js';
import { useDialogs } from '../components/dialog.js';
import { Header } from '../components/header.js';
import { useGroupError } from '../features/groups/errors.js';
import { may } from '../features/groups/permissions.js';
import { useGroupText } from '../features/groups/strings.js';
import { useGroup } from '../features/groups/use-group.js';
import { useGroups } from '../features/groups/use-groups.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { EditGroupForm, InviteForm, type GroupEdit } from './group-dialogs.js';
import { MemberList, type MemberActions } from './group-members.js';
import { JoinRequests } from './group-requests.js';
import type { ScreenProps } from './navigation.js';

/**
 * A group's info: picture, name and size; the join-request inbox; the members with their roles;
 * and the actions the user's role allows (edit, invite, role changes, transfer, remove, leave,
 * dissolve; see features/groups/permissions.ts). Destructive actions are confirmed first, and the
 * server's refusals are said in words. It follows the group as it changes (features/groups/use-group.ts).
 */
export function GroupInfo({ route: { conversationId }, go, focus }: ScreenProps<'group-info'>) {
  const { t } = useEnv();
  const g = useGroupText();
  const explain = useGroupError();
  const { client, friends } = useChat();
  const groups = useGroups();
  const dialogs = useDialogs();
  const { data, failed, left, reload, more } = useGroup(groups, conversationId);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const heading = useRef<HTMLDivElement>(null);
  // The name the chat list shows, for the title until the info is loaded.
  const listed = useStore(client.conversations, (all) => all[conversationId]?.group?.name, [conversationId]);

  /** Runs an action; then reloads, says `done` (if any) or the server's refusal. Resolves true on success. */
  const act = async (action: () => Promise<unknown>, done?: string) => {
    setStatus(null);
    try {
      await action();
      if (done) setStatus({ text: done, error: false });
      reload();
      return true;
    } catch (err) {
      setStatus({ text: explain(err), error: true });
      return false;
    }
  };

  const back = () => go({ name: 'thread', conversationId });
  const title = data?.info.name ?? listed ?? t('group.infoOpen');
  // One title bar whatever the body, so the heading keeps focus while the group loads.
  const header = (
    <div ref={heading}>
      <Header title={title} back={back} backLabel={g('back')} focus={focus} />
    </div>
  );
  // Removed, left, or dissolved (from here or elsewhere): nothing here applies any more.
  if (!data || left)
    return (
      <>
        {header}
        <p class="qc-note" role={failed !== null || left ? 'alert' : 'status'}>
          {left ? g('gone') : failed ? explain(failed) : t('state.loading')}
        </p>
      </>
    );

  const { info, members, next, requests } = data;
  const group = info.name;
  const confirm = (key: 'remove' | 'transfer' | 'leave' | 'dissolve', name: string, label: string) =>
    dialogs.confirm({ title: g(`${key}Title`, { name, group }), message: g(`${key}Body`, { name, group }), confirmLabel: label, danger: true });

  const memberActions: MemberActions = {
    setRole: (m, role) => void act(() => groups.setRole(conversationId, m.user.id, role)),
    transfer: async (m) => {
      if (await confirm('transfer', m.user.displayName, g('makeOwner'))) await act(() => groups.transfer(conversationId, m.user.id));
    },
    remove: async (m) => {
      if (!(await confirm('remove', m.user.displayName, g('remove')))) return;
      // Their row, whose menu button had focus, goes: the heading takes focus instead.
      if (await act(() => groups.remove(conversationId, m.user.id))) heading.current?.querySelector<HTMLElement>('h2')?.focus();
    },
  };
  const edit = async () => {
    const patch = await dialogs.open<GroupEdit>({ label: g('edit'), render: (done) => <EditGroupForm group={info} done={done} /> });
    if (patch && Object.keys(patch).length > 0) await act(() => groups.edit(conversationId, patch), g('saved'));
  };
  const invite = async () => {
    const inGroup = new Set(members.map((m) => m.user.id));
    const people = friends.store
      .getState()
      .friends.map((f) => f.user)
      .filter((u) => !inGroup.has(u.id));
    const ids = await dialogs.open<string[]>({ label: g('invite'), render: (done) => <InviteForm people={people} done={done} /> });
    if (!ids?.length) return;
    setStatus(null);
    try {
      const outcome = await groups.addMembers(conversationId, ids);
      setStatus({ text: g('outcome', { added: outcome.added.length, invited: outcome.invited.length }), error: false });
      reload();
    } catch (err) {
      setStatus({ text: explain(err), error: true });
    }
  };
  const leave = async () => {
    if (await confirm('leave', '', g('leave'))) if (await act(() => groups.leave(conversationId))) go({ name: 'chats' });
  };
  const dissolve = async () => {
    if (await confirm('dissolve', '', g('dissolve'))) if (await act(() => groups.dissolve(conversationId))) go({ name: 'chats' });
  };
  const showMore = () => void more().catch((err: unknown) => setStatus({ text: explain(err), error: true }));

  return (
    <>
      {header}
      <div class="qc-scroll">
        <div class="qc-person">
          <Avatar user={info} name={info.name} />
          <span class="qc-row-main">
            <span class="qc-name" dir="auto">
              {info.name}
            </span>
            <span class="qc-preview">{info.memberCount === 1 ? g('memberCountOne') : g('memberCount', { count: info.memberCount })}</span>
          </span>
          {(may(info, 'edit') || may(info, 'add')) && (
            <span class="qc-actions">
              {may(info, 'edit') && (
                <button type="button" class="qc-btn qc-small qc-secondary" onClick={() => void edit()}>
                  {g('edit')}
                </button>
              )}
              {may(info, 'add') && (
                <button type="button" class="qc-btn qc-small" onClick={() => void invite()}>
                  {g('invite')}
                </button>
              )}
            </span>
          )}
        </div>
        <p role="status" class={status?.error ? 'qc-status qc-error' : 'qc-status'} style={{ paddingTop: '8px' }}>
          {status?.text}
        </p>
        {requests.length > 0 && <JoinRequests requests={requests} onAnswer={(userId, approve) => void act(() => (approve ? groups.approve : groups.decline).call(groups, conversationId, userId))} />}
        <h3 class="qc-section">{g('members')}</h3>
        <MemberList group={info} members={members} actions={memberActions} />
        {next && (
          <p class="qc-actions" style={{ justifyContent: 'center', padding: '8px' }}>
            <button type="button" class="qc-btn qc-secondary" onClick={showMore}>
              {g('moreMembers')}
            </button>
          </p>
        )}
        <section class="qc-account" style={{ marginTop: '12px', paddingTop: '16px' }} aria-label={t('group.infoOpen')}>
          {may(info, 'leave') && (
            <button type="button" class="qc-btn qc-secondary qc-danger-text" onClick={() => void leave()}>
              {g('leave')}
            </button>
          )}
          {info.myRole === 'owner' && <p class="qc-preview" style={{ margin: 0, whiteSpace: 'normal' }}>{g('ownerLeave')}</p>}
          {may(info, 'dissolve') && (
            <button type="button" class="qc-btn qc-secondary qc-danger-text" onClick={() => void dissolve()}>
              {g('dissolve')}
            </button>
          )}
        </section>
      </div>
    </>
  );
}
