import type { PublicUser, SystemContent } from '@quickchat/sdk';
import type { MessageKey, Translate } from '../i18n/index.js';

/** The catalogue key of each notice (role changes and edits pick one by what changed). */
function keyOf(content: SystemContent): MessageKey {
  switch (content.action) {
    case 'role_changed':
      return content.role === 'admin' ? 'system.madeAdmin' : 'system.madeMember';
    case 'owner_changed':
      return 'system.ownerChanged';
    case 'edited':
      return content.changes?.name !== undefined ? 'system.renamed' : 'system.edited';
    default:
      return `system.${content.action}`;
  }
}

/**
 * The one-line text of a notice the server wrote into a group's history (someone joined, was
 * added or removed, a role or the settings changed), built from its action, actor and targets.
 * People are named by display name when `people` knows them, else by id; `me` is "You" / "you".
 */
export function systemNotice(content: SystemContent, people: Readonly<Record<string, PublicUser>>, me: string, t: Translate): string {
  const name = (id: string, you: MessageKey) => (id === me ? t(you) : (people[id]?.displayName ?? id));
  const targets = (content.targetIds ?? []).map((id) => name(id, 'system.you')).join(t('system.separator'));
  return t(keyOf(content), { actor: name(content.actorId, 'thread.you'), targets, name: content.changes?.name ?? '' });
}
