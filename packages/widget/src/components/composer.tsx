import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useChat, useEnv } from '../state/context.js';
import { EmojiButton } from './emoji-button.js';

/** The protocol's longest message text (`PROTOCOL_LIMITS.maxTextLength`), in UTF-16 units. */
const MAX_TEXT = 16_000;
/** Renew "typing" at most this often while the user types. */
const TYPING_RENEW_MS = 3000;

/**
 * Writes and sends messages: Enter sends, Shift+Enter (or Enter while composing with an IME)
 * adds a new line. The unsent text is kept per conversation. Tells the peer while typing.
 */
export function Composer({ conversationId, peerName }: { conversationId: string; peerName: string }) {
  const { t } = useEnv();
  const { client, drafts } = useChat();
  const [text, setText] = useState(() => drafts.get(conversationId));
  const typingAt = useRef(0);
  const box = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once the text box shows the new text (after inserting an emoji). */
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caret.current === null) return;
    box.current?.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  });

  const stopTyping = () => {
    if (!typingAt.current) return;
    typingAt.current = 0;
    client.setTyping(conversationId, false);
  };
  useLayoutEffect(() => stopTyping, [conversationId]);

  const change = (value: string) => {
    setText(value);
    drafts.set(conversationId, value);
    if (!value.trim()) return stopTyping();
    if (Date.now() - typingAt.current > TYPING_RENEW_MS) {
      typingAt.current = Date.now();
      client.setTyping(conversationId, true);
    }
  };

  const send = () => {
    const body = text.trim();
    if (!body) return;
    client.send(conversationId, body);
    change('');
  };

  /** Puts `emoji` where the caret is (replacing a selection), and the caret after it. */
  const insert = (emoji: string) => {
    const el = box.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    if (next.length > MAX_TEXT) return;
    caret.current = start + emoji.length;
    change(next);
  };

  const inputId = `qc-composer-${conversationId}`;
  return (
    <form
      class="qc-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="qc-sr" for={inputId}>
        {t('composer.label', { name: peerName })}
      </label>
      <EmojiButton onPick={insert} returnFocus={() => box.current} />
      <textarea
        ref={box}
        id={inputId}
        class="qc-field"
        rows={1}
        value={text}
        maxLength={MAX_TEXT}
        placeholder={t('composer.placeholder')}
        aria-describedby="qc-composer-hint"
        onInput={(e) => change(e.currentTarget.value)}
        onBlur={stopTyping}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
          e.preventDefault();
          send();
        }}
      />
      <span id="qc-composer-hint" class="qc-sr">
        {t('composer.hint')}
      </span>
      <button type="submit" class="qc-btn" disabled={!text.trim()}>
        {t('composer.send')}
      </button>
    </form>
  );
}
