import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import type { WidgetOptions } from '../options.js';
import { totalUnread } from './unread.js';

/** The count the title starts with while there are unread messages: `(3) `, `(99+) `. */
const TITLE_BADGE = /^\(\d+\+?\) /;
/** Quiet time between two notification sounds, so a burst (or a catch-up) rings once. */
export const SOUND_GAP_MS = 2000;

/** `title` with `unread` in front (`(3) Shop`), or without any count when there is none. */
export function badgedTitle(title: string, unread: number): string {
  const base = title.replace(TITLE_BADGE, '');
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${base}` : base;
}

/**
 * The host page's unread signals, when it asked for them: the count in the page's title
 * (`titleBadge`), kept in front of whatever title the page sets meanwhile and removed at 0 and
 * on unmount; and a short chime (`sound`) for a text message from someone else (not a notice, a
 * call record, an edit or a reaction) while the chat is not
 * in view (`visible` false: the launcher panel closed, or the page hidden), at most once per
 * {@link SOUND_GAP_MS}.
 */
export function useUnreadSignals(client: ChatClient, options: Pick<WidgetOptions, 'titleBadge' | 'sound'>, visible: boolean): void {
  const inView = useRef(visible);
  inView.current = visible;

  useLayoutEffect(() => {
    if (!options.titleBadge || typeof document === 'undefined') return;
    const show = (n: number) => {
      const next = badgedTitle(document.title, n);
      if (next !== document.title) document.title = next;
    };
    show(totalUnread(client.conversations.getState()));
    const off = client.conversations.subscribe(totalUnread, show);
    return () => {
      off();
      show(0);
    };
  }, [client]);

  useLayoutEffect(() => {
    if (!options.sound) return;
    let last = -Infinity;
    return client.on('message', ({ message }) => {
      if (inView.current || message.senderId === client.userId || message.content.type !== 'text') return;
      const now = Date.now();
      if (now - last < SOUND_GAP_MS) return;
      last = now;
      chime();
    });
  }, [client]);
}

let audio: AudioContext | null = null;

/** Two soft notes (about 0.3 s) through Web Audio: no file to load, nothing for a CSP to refuse. */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [i, frequency] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.08, start + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.12);
      osc.stop(start + i * 0.12 + 0.2);
    }
  } catch {
    // No Web Audio, or the browser refuses to play before a user gesture: stay silent.
  }
}
