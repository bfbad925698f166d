import type { GroupMember, GroupRole } from '@quickchat/sdk/groups';
import { Avatar } from '../components/avatar.js';
import { MenuButton, type MenuItem } from '../components/menu.js';
import { memberControls, type RoleContext } from '../features/groups/permissions.js';
import { useGroupText, type GroupText } from '../features/groups/strings.js';
import { UserPresence } from '../components/presence-dot.js';
import { useChat } from '../state/context.js';
import { useWatchPresence } from '../state/presence.js';
import { useStore } from '../state/use-store.js';

/** A role's name, for the members list. */
export const ROLE_LABEL: Record<GroupRole, GroupText> = { owner: 'roleOwner', admin: 'roleAdmin', member: 'roleMember' };

/** The list's order: the owner, then admins, then members (each in the server's order). */
const ORDER: Record<GroupRole, number> = { owner: 0, admin: 1, member: 2 };

/** What a member's menu can do; each is confirmed (or not) by the screen. */
export interface MemberActions {
  setRole(member: GroupMember, role: 'admin' | 'member'): void;
  transfer(member: GroupMember): void;
  remove(member: GroupMember): void;
}

/**
 * The members list, owner and admins first: avatar (or initials), name and role, "You" on the user's own row, and a
 * "More actions" menu on the rows where the user's role allows something (role, ownership, removal).
 */
export function MemberList({ group, members, actions }: { group: RoleContext; members: GroupMember[]; actions: MemberActions }) {
  const g = useGroupText();
  const { client } = useChat();
  // Members of groups up to the server's `presenceMaxMembers` are pushed; in larger ones, follow those listed while shown.
  const pushed = useStore(client.limits, (l) => members.length <= (l?.groups.presenceMaxMembers ?? Infinity), [members.length]);
  useWatchPresence(pushed ? [] : members.flatMap((m) => (m.user.id === client.userId ? [] : [m.user.id])));
  return (
    <ul class="qc-list" data-members>
      {[...members].sort((x, y) => ORDER[x.role] - ORDER[y.role]).map((m) => {
        const mine = m.user.id === client.userId;
        const can = memberControls(group, m, client.userId);
        const items: MenuItem[] = [
          ...(can.setRole ? [m.role === 'admin' ? { label: g('makeMember'), onSelect: () => actions.setRole(m, 'member') } : { label: g('makeAdmin'), onSelect: () => actions.setRole(m, 'admin') }] : []),
          ...(can.transfer ? [{ label: g('makeOwner'), onSelect: () => actions.transfer(m) }] : []),
          ...(can.remove ? [{ label: g('remove'), onSelect: () => actions.remove(m), danger: true }] : []),
        ];
        return (
          <li key={m.user.id} class="qc-person" data-member={m.user.id}>
            <span class="qc-row-main">
              <span class="qc-name" dir="auto">
                {m.user.displayName}
              </span>
              <span class="qc-preview">{mine ? `${g(ROLE_LABEL[m.role])} · ${g('you')}` : g(ROLE_LABEL[m.role])}</span>
            </span>
            {/* Shown first (CSS `order`), read after the name and role. */}
            <span class="qc-presence-at">
              <Avatar user={m.user} name={m.user.displayName} />
              {!mine && <UserPresence userId={m.user.id} />}
            </span>
            {items.length > 0 && (
              <span class="qc-actions">
                <MenuButton label={g('memberActions', { name: m.user.displayName })} items={items} class="qc-icon">
                  <span aria-hidden="true">⋯</span>
                </MenuButton>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
