import { useLayoutEffect, useState } from 'preact/hooks';
import type { WidgetClient } from './widget-client.js';

/** True once the client finished a catch-up since this component mounted (or is already connected). */
export function useSynced(client: WidgetClient): boolean {
  const [synced, setSynced] = useState(() => client.connectionState === 'connected');
  useLayoutEffect(() => client.on('synced', () => setSynced(true)), [client]);
  return synced;
}
