import type { PresenceState } from '@quickchat/sdk/presence';
import type { Locale, Translate } from '../i18n/index.js';
import { useEnv } from '../state/context.js';
import { timeAgo } from '../util/format.js';
import { usePresence, type WidgetPresence } from '../state/presence.js';

/** A presence in words: "online", "last seen 5 minutes ago", "offline"; null when unknown (nothing is said). */
export function presenceText(state: PresenceState, now: number, t: Translate, locale: Locale): string | null {
  if (state.status === 'online') return t('presence.online');
  if (state.status !== 'offline') return null;
  return state.lastSeenAt === undefined ? t('presence.offline') : t('presence.lastSeen', { when: timeAgo(state.lastSeenAt, now, locale) });
}

/**
 * A presence dot (green: online; a ring: offline) named in words for screen readers and as a
 * tooltip ("last seen 5 minutes ago"). Nothing at all for `unknown`: a user you may not see, or
 * who hides it. `now` is when "last seen" is measured from (default: this render).
 */
export function PresenceDot({ state, now }: { state: PresenceState; now?: number }) {
  const { t, locale } = useEnv();
  const text = presenceText(state, now ?? Date.now(), t, locale);
  if (text === null) return null;
  return <span class={`qc-presence qc-presence-${state.status}`} role="img" aria-label={text} title={text} />;
}

/** A user's presence dot, kept current (see {@link usePresence}; `watch` for users not pushed unasked). */
export function UserPresence({ userId, watch, presence }: { userId: string; watch?: boolean; presence?: WidgetPresence | null }) {
  const state = usePresence(userId, { watch, presence });
  return <PresenceDot state={state} />;
}
