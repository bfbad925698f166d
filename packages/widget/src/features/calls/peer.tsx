import { useState } from 'preact/hooks';
import { useProfile } from '../../state/use-profile.js';
import { safeHref } from '../../util/linkify.js';

/** The other person of a call: their display name (their id until known) and avatar URL. */
export function usePeer(peerId: string): { name: string; avatarUrl: string | null } {
  const profile = useProfile(peerId);
  return { name: profile?.displayName ?? peerId, avatarUrl: profile?.avatarUrl ?? null };
}

/** Their avatar (an http(s) picture, else the name's first letter); decorative, the name is said beside it. */
export function PeerAvatar({ name, avatarUrl }: { name: string; avatarUrl: string | null }) {
  const [broken, setBroken] = useState(false);
  const src = avatarUrl ? safeHref(avatarUrl) : null;
  return (
    <span class="qc-avatar" aria-hidden="true">
      {src && !broken ? <img src={src} alt="" referrerpolicy="no-referrer" onError={() => setBroken(true)} /> : (Array.from(name.trim())[0] ?? '?').toUpperCase()}
    </span>
  );
}
