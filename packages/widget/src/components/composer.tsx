import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { EmojiButton } from './emoji-button.js';

/** The protocol's longest message text (`PROTOCOL_LIMITS.maxTextLength`), in UTF-16 units: the cap until the server announces its own. */
const MAX_TEXT = 16_000;
/** Show how many characters are left once the text is this close to the limit (as a share of it). */
const COUNTER_FROM = 0.9;
/** Renew "typing" at most this often while the user types. */
const TYPING_RENEW_MS = 3000;

/**
 * Writes and sends messages: Enter sends, Shift+Enter (or Enter while composing with an IME)
 * adds a new line. The unsent text is kept per conversation. Tells the peer while typing. Text
 * is capped at the server's limit (`client.limits`); near it a counter shows what is left, and
 * text past it (a draft written before a lower limit was known) cannot be sent.
 */
export function Composer({ conversationId, peerName }: { conversationId: string; peerName: string }) {
  const { t } = useEnv();
  const { client, drafts } = useChat();
  const limit = useStore(client.limits, (l) => l?.maxTextLength ?? MAX_TEXT);
  const [text, setText] = useState(() => drafts.get(conversationId));
  const left = limit - text.length;
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
    if (!body || left < 0) return;
    client.send(conversationId, body);
    change('');
  };

  /** Puts `emoji` where the caret is (replacing a selection), and the caret after it. */
  const insert = (emoji: string) => {
    const el = box.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    if (next.length > limit) return;
    caret.current = start + emoji.length;
    change(next);
  };

  const inputId = `qc-composer-${conversationId}`;
  const counter = text.length >= limit * COUNTER_FROM;
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
        maxLength={limit}
        placeholder={t('composer.placeholder')}
        aria-describedby={counter ? 'qc-composer-hint qc-composer-count' : 'qc-composer-hint'}
        aria-invalid={left < 0 || undefined}
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
      {counter && (
        <span id="qc-composer-count" class={left < 0 ? 'qc-count qc-over' : 'qc-count'}>
          {left < 0 ? t('composer.over', { count: -left }) : t('composer.left', { count: left })}
        </span>
      )}
      <button type="submit" class="qc-btn" disabled={!text.trim() || left < 0}>
        {t('composer.send')}
      </button>
    </form>
  );
}
