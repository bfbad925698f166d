import { useState } from 'preact/hooks';
import type { PublicUser } from '@quickchat/sdk';
import { safeHref } from '../util/linkify.js';

/** A round avatar: the picture of a person or a group (http(s) only) or the name's first letter. Decorative. */
export function Avatar({ user, name }: { user: Pick<PublicUser, 'avatarUrl'> | undefined; name: string }) {
  const [broken, setBroken] = useState(false);
  const src = user?.avatarUrl ? safeHref(user.avatarUrl) : null;
  return (
    <span class="qc-avatar" aria-hidden="true">
      {src && !broken ? <img src={src} alt="" referrerpolicy="no-referrer" onError={() => setBroken(true)} /> : (Array.from(name.trim())[0] ?? '?').toUpperCase()}
    </span>
  );
}
