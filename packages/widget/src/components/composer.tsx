import { useContext, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createStore } from '@quickchat/sdk';
import { RichThreadContext } from '../state/rich-thread.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import type { ComposeMode, ComposerExtrasProps, WidgetRich } from '../state/widget-client.js';
import { uploadVia } from '../state/attachments-via.js';
import { filesFromEvent } from '../util/attachments.js';
import { EmojiButton } from './emoji-button.js';
import { Glyph } from './glyph.js';
import { useUploads } from './use-uploads.js';

/** The protocol's longest message text (`PROTOCOL_LIMITS.maxTextLength`), in UTF-16 units: the cap until the server announces its own. */
const MAX_TEXT = 16_000;
/** Show how many characters are left once the text is this close to the limit (as a share of it). */
const COUNTER_FROM = 0.9;
/** Renew "typing" at most this often while the user types. */
const TYPING_RENEW_MS = 3000;
/** Outside a thread (a composer on its own) there is never a reply or an edit. */
const NO_MODE = createStore<ComposeMode>(null);

/**
 * Writes and sends messages: Enter sends, Shift+Enter (or Enter while composing with an IME)
 * adds a new line. The unsent text is kept per conversation. Tells the peer while typing. Text
 * is capped at the server's limit (`client.limits`); near it a counter shows what is left, and
 * text past it (a draft written before a lower limit was known) cannot be sent.
 *
 * In a thread it also replies and edits your messages (the text box then holds the message, Save
 * stores it, Cancel or Escape goes back to the draft), and in a group suggests members on `@`;
 * that part is in the rich chunk (`ComposerExtras`), loaded the first time it is needed.
 *
 * Files come from the attach (paperclip) button, a paste or a drop; each is checked against the
 * server's limits and uploaded at once, shown in a tray above the text box (the attachments chunk,
 * loaded with the first file), and sent with the text (or on their own) once all are up. A reply
 * or an edit carries none, and in a group a message with files does not mark its mentions.
 */
export function Composer({ conversationId, peerName }: { conversationId: string; peerName: string }) {
  const { t, locale } = useEnv();
  const { client, drafts, messages, rich: loadRich } = useChat();
  const upload = useMemo(() => uploadVia(messages), [messages]);
  const uploads = useUploads(conversationId, upload, () => client.limits.getState()?.messages ?? null);
  const uploading = uploads.items.some((i) => i.state === 'uploading');
  const ready = uploads.items.some((i) => i.state === 'done');
  const picker = useRef<HTMLInputElement>(null);
  /** Takes the files an event carries (a paste, a drop), if any, instead of the browser. */
  const takeFiles = (e: Event) => {
    const files = filesFromEvent(e);
    if (!files.length) return;
    e.preventDefault();
    uploads.add(files);
  };
  const thread = useContext(RichThreadContext);
  const compose = thread?.compose ?? NO_MODE;
  const mode = useStore(compose, (m) => m);
  const group = useStore(client.conversations, (s) => s[conversationId]?.kind === 'group', [conversationId]);
  const limit = useStore(client.limits, (l) => l?.maxTextLength ?? MAX_TEXT);
  const [text, setText] = useState(() => drafts.get(conversationId));
  const [at, setAt] = useState(0);
  const [rich, setRich] = useState<WidgetRich | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const keys = useRef<ComposerExtrasProps['keys']['current']>(null);
  const left = limit - text.length;
  const typingAt = useRef(0);
  const box = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once the text box shows the new text (after inserting an emoji or a mention). */
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caret.current === null) return;
    box.current?.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  });
  // The rich part loads once a reply or an edit starts, or `@` is typed in a group.
  const wantsRich = mode !== null || (group && text.includes('@'));
  useLayoutEffect(() => {
    if (wantsRich && !rich) loadRich().then(setRich, () => undefined);
  }, [wantsRich]);


  const stopTyping = () => {
    if (!typingAt.current) return;
    typingAt.current = 0;
    client.setTyping(conversationId, false);
  };
  useLayoutEffect(() => stopTyping, [conversationId]);

  const change = (value: string, caretAt = value.length) => {
    setText(value);
    setAt(caretAt);
    // An edit is not a draft, and the peer is not told you're typing one (nor when the draft comes back after it).
    if (compose.getState()?.kind === 'edit' || value === drafts.get(conversationId)) return;
    drafts.set(conversationId, value);
    if (!value.trim()) return stopTyping();
    if (Date.now() - typingAt.current > TYPING_RENEW_MS) {
      typingAt.current = Date.now();
      client.setTyping(conversationId, true);
    }
  };

  /** Drops the reply or the edit. */
  const cancel = () => {
    compose.update(() => null);
    box.current?.focus();
  };

  const send = () => {
    const body = text.trim();
    const ids = uploads.queue?.attachmentIds() ?? [];
    if ((!body && !ids.length) || left < 0 || uploading) return;
    // Files go with the text as one message (a reply or an edit carries none: they wait in the tray).
    if (ids.length && !mode) {
      client.send(conversationId, { type: 'text', text: body, attachments: ids });
      uploads.queue?.clear();
      return change('');
    }
    if (!body) return;
    // Plain text goes at once; a reply, an edit or a mention (in a group) through the rich part.
    if (!mode && !(group && body.includes('@'))) {
      client.send(conversationId, body);
      return change('');
    }
    thread?.report(null);
    loadRich().then(
      (r) =>
        r.send({ client, conversationId, group, mode, body, t, locale, report: (s) => thread?.report(s) }).then(
          () => {
            if (mode?.kind !== 'edit') change('');
            if (compose.getState() === mode) compose.update(() => null);
          },
          () => undefined, // refused: said, and the edit stays open
        ),
      () => thread?.report(t('state.loadFailed')),
    );
  };

  /** Puts `insert` in place of `from`…`to` (default: the selection), and the caret after it. */
  const replace = (from: number | null, to: number | null, insert: string) => {
    const el = box.current;
    const start = from ?? el?.selectionStart ?? text.length;
    const next = text.slice(0, start) + insert + text.slice(to ?? el?.selectionEnd ?? text.length);
    if (next.length > limit) return;
    caret.current = start + insert.length;
    change(next, caret.current);
  };

  const inputId = `qc-composer-${conversationId}`;
  const counter = text.length >= limit * COUNTER_FROM;
  return (
    <>
      {rich && (
        <rich.ComposerExtras conversationId={conversationId} group={group} mode={mode} text={text} caret={at} replace={replace} cancel={cancel} keys={keys} onList={setActiveId} box={box} />
      )}
      {uploads.tray}
      {uploads.loadFailed && (
        <p class="qc-error" role="alert">
          {t('state.loadFailed')}
        </p>
      )}
      <form
        class="qc-composer"
        onDragOver={(e) => {
          if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
        }}
        onDrop={takeFiles}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label class="qc-sr" for={inputId}>
          {t('composer.label', { name: peerName })}
        </label>
        <EmojiButton onPick={(e) => replace(null, null, e)} returnFocus={() => box.current} />
        <button type="button" class="qc-icon" aria-label={t('attach.pick')} onClick={() => picker.current?.click()}>
          <Glyph name="attach" />
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            uploads.add(filesFromEvent(e));
            e.currentTarget.value = '';
          }}
        />
        <textarea
          ref={box}
          id={inputId}
          class="qc-field"
          rows={1}
          value={text}
          maxLength={limit}
          placeholder={t('composer.placeholder')}
          aria-describedby={counter ? 'qc-composer-hint qc-composer-count' : 'qc-composer-hint'}
          aria-invalid={left < 0 || undefined}
          aria-autocomplete={group ? 'list' : undefined}
          aria-controls={activeId ? `qc-mentions-${conversationId}` : undefined}
          aria-activedescendant={activeId ?? undefined}
          onInput={(e) => change(e.currentTarget.value, e.currentTarget.selectionStart)}
          onBlur={stopTyping}
          onPaste={takeFiles}
          onKeyDown={(e) => {
            if (keys.current?.(e)) return;
            if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
            e.preventDefault();
            send();
          }}
        />
        <span id="qc-composer-hint" class="qc-sr">
          {t('composer.hint')}
        </span>
        {counter && (
          <span id="qc-composer-count" class={left < 0 ? 'qc-count qc-over' : 'qc-count'}>
            {left < 0 ? t('composer.over', { count: -left }) : t('composer.left', { count: left })}
          </span>
        )}
        <button type="submit" class="qc-btn" disabled={(!text.trim() && !(ready && !mode)) || left < 0 || uploading}>
          {t(mode?.kind === 'edit' ? 'rich.save' : 'composer.send')}
        </button>
      </form>
    </>
  );
}
