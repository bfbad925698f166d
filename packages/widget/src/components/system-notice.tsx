import { useEffect } from 'preact/hooks';
import type { SystemContent } from '@quickchat/sdk';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { systemNotice } from '../util/system-notice.js';

/** A group's system notice in a thread: one centered, muted line naming people by display name (loaded on first need). */
export function SystemNotice({ content }: { content: SystemContent }) {
  const { t } = useEnv();
  const { client, profiles } = useChat();
  const people = useStore(profiles.store, (all) => all);
  useEffect(() => [content.actorId, ...(content.targetIds ?? [])].forEach((id) => profiles.want(id)), [content, profiles]);
  return (
    <p class="qc-system" dir="auto">
      {systemNotice(content, people, client.userId, t)}
    </p>
  );
}
