import type { PublicUser } from '@quickchat/sdk';
import { Avatar } from '../components/avatar.js';

/**
 * A list of people to tick (friends to put in a group): one labelled checkbox each, with their
 * avatar and name, inside a fieldset named by `legend`.
 */
export function FriendPicker({ legend, people, picked, onChange }: { legend: string; people: PublicUser[]; picked: ReadonlySet<string>; onChange: (picked: Set<string>) => void }) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
      <legend class="qc-section" style={{ padding: '0 0 4px' }}>
        {legend}
      </legend>
      <ul class="qc-list">
        {people.map((p) => (
          <li key={p.id}>
            <label class="qc-person" style={{ cursor: 'pointer', color: 'var(--qc-text)', flexDirection: 'row' }}>
              <input type="checkbox" checked={picked.has(p.id)} onChange={(e) => toggle(p.id, e.currentTarget.checked)} />
              <Avatar user={p} name={p.displayName} />
              <span class="qc-row-main">
                <span class="qc-name" dir="auto">
                  {p.displayName}
                </span>
                {p.handle && <span class="qc-preview">@{p.handle}</span>}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
