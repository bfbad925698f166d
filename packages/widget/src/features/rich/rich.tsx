/**
 * Rich messages' on-use part, a lazy chunk of its own (`rich`), fetched the first time a thread
 * needs it (an action from a message's menu, a reply or an edit, `@` typed in a group, a
 * moderator's group thread): the SDK's `messages` entry (its manager, `findMentions`) and group
 * rules, group members over REST, the reaction picker, the composer's bar and mention
 * suggestions, and the words only these show.
 */
import type { ChatClient } from '@quickchat/sdk';
import { MESSAGE_MODERATION, type GroupMember, type GroupMembersResponse } from '@quickchat/sdk/groups';
import type { ComposerExtrasProps, WidgetRich } from '../../state/widget-client.js';
import { ComposerExtras, sendRich } from './composer-extras.js';
import { ReactionPicker } from './reaction-picker.js';
import { explain, RICH_WORDS } from './words.js';

/** Members per request (the server's most). */
const PAGE = 200;
/** At most this many pages: past the largest group the server allows (1,000 members by default). */
const MAX_PAGES = 25;

/** The rich-message services of `client`, around its messages manager (`messagesOf(client)`, loaded by the chat root). */
export function richFor(client: ChatClient, messages: WidgetRich['messages']): WidgetRich {
  return richWith(messages, async (conversationId) => {
    const all: GroupMember[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (after !== null) query.set('after', after);
      const res: GroupMembersResponse = await client.rest.request({ method: 'GET', path: `/api/groups/${encodeURIComponent(conversationId)}/members?${query}` });
      all.push(...res.items);
      if (res.next === null) break;
      after = res.next;
    }
    return all;
  });
}

/**
 * The services around a messages manager and a way to list a group's members (tests pass fakes
 * of both). Members are fetched once per conversation (again after a failure).
 */
export function richWith(messages: WidgetRich['messages'], fetchMembers: (conversationId: string) => Promise<GroupMember[]>): WidgetRich {
  const known = new Map<string, Promise<GroupMember[]>>();
  const rich: WidgetRich = {
    messages,
    members: (conversationId) => {
      let found = known.get(conversationId);
      if (!found) {
        known.set(conversationId, (found = fetchMembers(conversationId)));
        found.catch(() => known.delete(conversationId));
      }
      return found;
    },
    moderated: async (conversationId, role) => {
      const may = MESSAGE_MODERATION[role];
      if (may.length === 0) return new Set();
      return new Set((await rich.members(conversationId)).filter((m) => may.includes(m.role)).map((m) => m.user.id));
    },
    words: RICH_WORDS,
    explain,
    act: async ({ action, conversationId, seq, emoji, dialogs, t, locale, report }) => {
      const words = RICH_WORDS[locale];
      try {
        if (action === 'toggle') await messages.toggleReaction(conversationId, seq, emoji!);
        else if (action === 'react') {
          const picked = await dialogs.open<string>({ label: words.reactTitle, className: 'qc-dialog-wide', render: (done) => <ReactionPicker words={words} onPick={done} /> });
          if (picked) await messages.react(conversationId, seq, picked);
        } else if (await dialogs.confirm({ title: words.deleteTitle, message: words.deleteBody, confirmLabel: t('rich.delete'), danger: true })) {
          await messages.delete(conversationId, seq);
        }
      } catch (err) {
        report(explain(action === 'delete' ? 'delete' : 'react', err, t, locale));
      }
    },
    ComposerExtras: (props: ComposerExtrasProps) => <ComposerExtras {...props} rich={rich} />,
    send: (request) => sendRich(rich, request),
  };
  return rich;
}
