/** How many recently used emoji the picker keeps. */
export const MAX_RECENT = 24;

/** Where a user's recently used emoji are kept (`localStorage`, per user id). */
export function recentKey(userId: string): string {
  return `quickchat:emoji-recent:${userId}`;
}

/**
 * The recently used emoji saved under `key`, newest first, keeping only those in `known` (so a
 * stale or tampered entry shows nothing odd). Storage that is unavailable (sandboxed frames,
 * some privacy modes) or unreadable simply means no recents.
 */
export function loadRecent(key: string, known: ReadonlySet<string>): string[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(saved) ? saved.filter((e): e is string => typeof e === 'string' && known.has(e)).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** Puts `emoji` first among the recently used under `key` (once, at most {@link MAX_RECENT}). */
export function rememberRecent(key: string, emoji: string, known: ReadonlySet<string>): void {
  try {
    const next = [emoji, ...loadRecent(key, known).filter((e) => e !== emoji)].slice(0, MAX_RECENT);
    localStorage.setItem(key, JSON.stringify(next));
  } catch {
    // Not remembered: storage is unavailable or full.
  }
}
