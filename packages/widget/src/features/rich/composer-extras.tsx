/**
 * The composer's rich part (in the `rich` chunk, loaded once a reply or an edit starts or `@` is
 * typed in a group): the bar naming the reply or the edit, the mention suggestions with their
 * keyboard, and sending a reply, an edit or a text with mentions.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { GroupMember } from '@quickchat/sdk/groups';
import { findMentions } from '@quickchat/sdk/messages';
import { useChat, useEnv } from '../../state/context.js';
import { useDisplayName } from '../../state/use-profile.js';
import type { ComposeMode, ComposerExtrasProps, RichSend, RichWords, WidgetRich } from '../../state/widget-client.js';
import { matchMembers, MentionList } from './mention-list.js';

/** An `@` being typed, up to the caret: what follows it is the query. */
const MENTION_AT_CARET = /(?:^|[^\p{L}\p{N}_.@])@([A-Za-z0-9_.]{0,32})$/u;

/**
 * The bar above the composer ("Replying to Ann", with the start of her message, or "Editing your
 * message", with Cancel) and, in a group, the members an `@` being typed could mean: Up and Down
 * choose, Enter or Tab insert `@handle `, Escape closes the list (then, with no list, drops the
 * reply or the edit).
 */
export function ComposerExtras({ rich, conversationId, group, mode, text, caret, replace, cancel, keys, onList, box }: ComposerExtrasProps & { rich: WidgetRich }) {
  const { locale } = useEnv();
  const { client, drafts } = useChat();
  // Entering a mode puts the caret in the text box; an edit puts the message there, and leaving
  // it brings the draft back.
  const shown = useRef<ComposeMode>(null);
  useLayoutEffect(() => {
    const was = shown.current;
    shown.current = mode;
    const edit = mode?.kind === 'edit' && mode.message.content.type === 'text' ? mode.message.content.text : null;
    if (edit !== null || was?.kind === 'edit') replace(0, text.length, edit ?? drafts.get(conversationId));
    if (mode) box.current?.focus();
  }, [mode]);
  const words = rich.words[locale];
  const found = group ? MENTION_AT_CARET.exec(text.slice(0, caret)) : null;
  const start = found ? caret - found[1]!.length - 1 : -1;
  const [members, setMembers] = useState<GroupMember[] | null>(null);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(-1);
  useEffect(() => {
    if (found && !members) rich.members(conversationId).then(setMembers, () => undefined);
  }, [found !== null]);
  useEffect(() => setActive(0), [found?.[1]]);
  const options = found && members && closed !== start ? matchMembers(members, found[1]!, client.userId) : [];
  const at = Math.min(active, options.length - 1);
  const listId = `qc-mentions-${conversationId}`;
  useEffect(() => onList(options.length ? `${listId}-${at}` : null), [options.length, at]);

  keys.current = (e) => {
    if (e.isComposing) return false; // the IME's own keys
    if (options.length) {
      const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (step) setActive((at + step + options.length) % options.length);
      else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') replace(start, caret, `@${options[at]!.user.handle} `);
      else if (e.key === 'Escape') setClosed(start);
      else return false;
    } else if (e.key === 'Escape' && mode) cancel();
    else return false;
    e.preventDefault();
    e.stopPropagation(); // Escape closes the list or the mode, not the launcher panel
    return true;
  };

  return (
    <>
      {mode && <ModeBar mode={mode} cancel={cancel} words={words} />}
      {options.length > 0 && <MentionList id={listId} label={words.mentionList} options={options} active={at} onPick={(m) => replace(start, caret, `@${m.user.handle} `)} />}
    </>
  );
}

/** "Replying to Ann" (with the start of her message) or "Editing your message", with Cancel. */
function ModeBar({ mode, cancel, words }: { mode: NonNullable<ComposeMode>; cancel: () => void; words: RichWords }) {
  const { t } = useEnv();
  const { client } = useChat();
  const { message } = mode;
  const own = message.senderId === client.userId;
  const name = useDisplayName(own ? null : message.senderId);
  const [before, after] = words.replyingTo.split('{name}');
  return (
    <div class="qc-banner">
      <p>
        {mode.kind === 'reply' ? (
          <>
            <b>
              {before}
              <bdi>{own ? t('thread.you') : name}</bdi>
              {after}
            </b>
            {message.content.type === 'text' && (
              <span dir="auto">
                {message.content.text}
              </span>
            )}
          </>
        ) : (
          <b>{words.editing}</b>
        )}
      </p>
      <button type="button" class="qc-icon" aria-label={t('dialog.cancel')} onClick={cancel}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

/**
 * Sends what the composer holds in a thread: an edit (resolving once stored; a refusal is said in
 * words and the edit stays open), or a text with its reply target and, in a group, the members
 * its `@handle`s name (if the members can't be loaded, it goes without mention flags).
 */
export async function sendRich(rich: WidgetRich, { client, conversationId, group, mode, body, t, locale, report }: RichSend): Promise<void> {
  let mentions: string[] | undefined;
  if (group && body.includes('@')) {
    const ids = findMentions(body, (await rich.members(conversationId).catch(() => [])).map((m) => m.user));
    if (ids.length) mentions = ids;
  }
  if (mode?.kind === 'edit') {
    const before = mode.message.content.type === 'text' ? mode.message.content.text : null;
    if (body === before) return; // nothing changed: just leave the edit
    try {
      await rich.messages.edit(conversationId, mode.message.seq!, body, mentions);
    } catch (err) {
      report(rich.explain('edit', err, t, locale));
      throw err;
    }
    return;
  }
  const replyTo = mode?.message.seq ?? undefined;
  client.send(conversationId, { type: 'text', text: body, ...(replyTo === undefined ? {} : { replyTo }), ...(mentions ? { mentions } : {}) });
}
