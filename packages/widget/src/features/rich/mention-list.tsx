/**
 * The mention autocomplete's list (in the `rich` chunk, loaded the first time someone types `@`
 * in a group thread). The composer owns the keyboard (Up, Down, Enter, Tab, Escape) and points at
 * the active option with `aria-activedescendant`.
 */
import type { GroupMember } from '@quickchat/sdk/groups';

/** At most this many suggestions. */
const MAX = 6;

/**
 * The members `query` (what follows the `@`) could mean: handles, then display names, starting
 * with it (case-insensitive), before those only containing it; never `me`, never a member
 * without a handle (a mention is written as `@handle`).
 */
export function matchMembers(members: readonly GroupMember[], query: string, me: string): GroupMember[] {
  const q = query.toLowerCase();
  const score = ({ user }: GroupMember) => {
    const handle = user.handle!.toLowerCase();
    const name = user.displayName.toLowerCase();
    return handle.startsWith(q) ? 0 : name.startsWith(q) ? 1 : handle.includes(q) || name.includes(q) ? 2 : 3;
  };
  return members
    .filter((m) => m.user.id !== me && m.user.handle)
    .map((m) => ({ m, s: score(m) }))
    .filter((x) => x.s < 3)
    .sort((a, b) => a.s - b.s || a.m.user.displayName.localeCompare(b.m.user.displayName))
    .slice(0, MAX)
    .map((x) => x.m);
}

/** The suggestions: each option's id is `${id}-${index}`. A press picks without taking focus from the text box. */
export function MentionList({ id, label, options, active, onPick }: { id: string; label: string; options: GroupMember[]; active: number; onPick: (member: GroupMember) => void }) {
  return (
    <ul id={id} class="qc-list" role="listbox" aria-label={label}>
      {options.map((m, i) => (
        <li key={m.user.id} id={`${id}-${i}`} role="option" aria-selected={i === active} onMouseDown={(e) => e.preventDefault()} onClick={() => onPick(m)}>
          <bdi>{m.user.displayName}</bdi> @{m.user.handle}
        </li>
      ))}
    </ul>
  );
}
