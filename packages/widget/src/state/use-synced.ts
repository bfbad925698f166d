import { useLayoutEffect, useState } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';

/** True once the client finished a catch-up since this component mounted (or is already connected). */
export function useSynced(client: ChatClient): boolean {
  const [synced, setSynced] = useState(() => client.connectionState === 'connected');
  useLayoutEffect(() => client.on('synced', () => setSynced(true)), [client]);
  return synced;
}
