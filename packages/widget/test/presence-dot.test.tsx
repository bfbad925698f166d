// @vitest-environment happy-dom
/**
 * Presence (features/presence): a dot that says in words who is online and when someone was last
 * seen, nothing at all for `unknown` (a user you may not see, or who hides it), and the hooks that
 * read a `presenceOf(client)` manager's `states` store and `watch()` users it doesn't push.
 */
import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '@quickchat/sdk';
import type { PresenceStates } from '@quickchat/sdk/presence';
import { PresenceContext, type WidgetPresence } from '../src/state/presence.js';
import { PresenceDot, UserPresence, presenceText } from '../src/components/presence-dot.js';
import { useWatchPresence } from '../src/state/presence.js';
import { translator } from '../src/i18n/index.js';
import { timeAgo } from '../src/util/format.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** A presence manager with the SDK's real store, recording watches (`watching`: user → live watch count). */
function fakePresence(initial: PresenceStates = {}) {
  const states = createStore<PresenceStates>(initial);
  const watching = new Map<string, number>();
  const watches: string[][] = [];
  const presence: WidgetPresence = {
    states,
    watch: (ids) => {
      watches.push([...ids]);
      for (const id of ids) watching.set(id, (watching.get(id) ?? 0) + 1);
      return () => {
        for (const id of ids) watching.set(id, watching.get(id)! - 1);
      };
    },
  };
  return { presence, states, watching, watches };
}

describe('presence dot', () => {
  it('says online, last seen and offline in words, and shows nothing for unknown', () => {
    const v = renderChat(
      <>
        <PresenceDot state={{ userId: 'a', status: 'online' }} />
        <PresenceDot state={{ userId: 'b', status: 'offline', lastSeenAt: NOW - 5 * MIN }} now={NOW} />
        <PresenceDot state={{ userId: 'c', status: 'offline' }} />
        <PresenceDot state={{ userId: 'd', status: 'unknown' }} />
      </>,
    );
    const dots = v.getAllByRole('img');
    expect(dots.map((d) => d.getAttribute('aria-label'))).toEqual(['online', 'last seen 5 minutes ago', 'offline']);
    expect(dots.map((d) => d.getAttribute('title'))).toEqual(['online', 'last seen 5 minutes ago', 'offline']);
    expect(dots.map((d) => d.className)).toEqual(['qc-presence qc-presence-online', 'qc-presence qc-presence-offline', 'qc-presence qc-presence-offline']);
    expect(v.container.querySelectorAll('.qc-presence')).toHaveLength(3);
  });

  it('words last seen across minutes, hours and days, in both languages', () => {
    const en = translator('en');
    const zh = translator('zh-CN');
    const seen = (ago: number) => ({ userId: 'a', status: 'offline' as const, lastSeenAt: NOW - ago });
    expect(presenceText(seen(20_000), NOW, en, 'en')).toBe('last seen this minute');
    expect(presenceText(seen(3 * 3_600_000 + 5 * MIN), NOW, en, 'en')).toBe('last seen 3 hours ago');
    expect(presenceText(seen(86_400_000 + MIN), NOW, en, 'en')).toBe('last seen yesterday');
    expect(presenceText(seen(15 * 86_400_000), NOW, en, 'en')).toBe('last seen 2 weeks ago');
    expect(presenceText(seen(5 * MIN), NOW, zh, 'zh-CN')).toBe('最后在线：5分钟前');
    expect(presenceText({ userId: 'a', status: 'online' }, NOW, zh, 'zh-CN')).toBe('在线');
    expect(presenceText({ userId: 'a', status: 'unknown' }, NOW, zh, 'zh-CN')).toBeNull();
    // A clock a little behind the server's never says "in 1 minute".
    expect(timeAgo(NOW + 30_000, NOW, 'en')).toBe('this minute');
  });
});

describe('usePresence', () => {
  it('follows the manager’s states store: a dot appears, changes and goes as states do', () => {
    const { presence, states } = fakePresence({ u_ann: { userId: 'u_ann', status: 'online' } });
    const v = renderChat(
      <PresenceContext.Provider value={presence}>
        <UserPresence userId="u_ann" />
        <UserPresence userId="u_bob" />
      </PresenceContext.Provider>,
    );
    expect(v.getAllByRole('img').map((d) => d.getAttribute('aria-label'))).toEqual(['online']);
    act(() => states.update((all) => ({ ...all, u_ann: { userId: 'u_ann', status: 'offline', lastSeenAt: Date.now() - 2 * MIN }, u_bob: { userId: 'u_bob', status: 'online' } })));
    expect(v.getAllByRole('img').map((d) => d.getAttribute('aria-label'))).toEqual(['last seen 2 minutes ago', 'online']);
    // A friendship ended or presence hidden: unknown, and the dot goes.
    act(() => states.update((all) => ({ ...all, u_ann: { userId: 'u_ann', status: 'unknown' } })));
    expect(v.getAllByRole('img').map((d) => d.getAttribute('aria-label'))).toEqual(['online']);
    // A new session clears the states.
    act(() => states.update(() => ({})));
    expect(v.queryAllByRole('img')).toEqual([]);
  });

  it('watches a user not pushed unasked while shown (watch: true), and only then', () => {
    const { presence, watching } = fakePresence();
    const v = renderChat(
      <>
        <UserPresence userId="u_far" watch presence={presence} />
        <UserPresence userId="u_friend" presence={presence} />
      </>,
    );
    expect([...watching]).toEqual([['u_far', 1]]);
    v.unmount();
    expect([...watching]).toEqual([['u_far', 0]]);
  });

  it('shows nothing and watches nobody without a manager', () => {
    const v = renderChat(<UserPresence userId="u_ann" watch />);
    expect(v.queryAllByRole('img')).toEqual([]);
  });
});

describe('useWatchPresence', () => {
  function Members({ ids }: { ids: string[] }) {
    useWatchPresence(ids);
    return null;
  }

  it('watches a list while shown, and the new list when it changes', () => {
    const { presence, watching, watches } = fakePresence();
    const wrap = (ids: string[]) => (
      <PresenceContext.Provider value={presence}>
        <Members ids={ids} />
      </PresenceContext.Provider>
    );
    const v = render(wrap(['u_1', 'u_2']));
    expect(Object.fromEntries(watching)).toEqual({ u_1: 1, u_2: 1 });
    v.rerender(wrap(['u_1', 'u_2'])); // the same list (a new array): the same watch
    expect(Object.fromEntries(watching)).toEqual({ u_1: 1, u_2: 1 });
    expect(watches).toEqual([['u_1', 'u_2']]);
    v.rerender(wrap(['u_2', 'u_3']));
    expect(Object.fromEntries(watching)).toEqual({ u_1: 0, u_2: 1, u_3: 1 });
    v.unmount();
    expect(Object.fromEntries(watching)).toEqual({ u_1: 0, u_2: 0, u_3: 0 });
  });
});
