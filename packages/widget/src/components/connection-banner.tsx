import { useRef } from 'preact/hooks';
import type { MessageKey } from '../i18n/index.js';
import { useChat, useEnv } from '../state/context.js';
import { useConnectionState, useOnline, useOriginRefused } from '../state/use-connection.js';

/**
 * Says, politely, when messages can't flow: offline (browser has no network), reconnecting
 * (after the connection dropped), disconnected (stopped; offers to try again), or that the server
 * refuses this site's origin (only the site owner can fix that). A connected
 * socket wins over the browser's `navigator.onLine`, which some networks get wrong.
 */
export function ConnectionBanner() {
  const { t } = useEnv();
  const { client } = useChat();
  const state = useConnectionState(client);
  const online = useOnline();
  const refused = useOriginRefused(client);
  const wasConnected = useRef(false);
  if (state === 'connected') wasConnected.current = true;
  let key: MessageKey | null = null;
  if (state === 'connected') key = null;
  else if (refused) key = 'error.originNotAllowed';
  else if (!online) key = 'banner.offline';
  else if (state === 'disconnected') key = 'banner.disconnected';
  else if (wasConnected.current && (state === 'reconnecting' || state === 'connecting' || state === 'authenticating')) key = 'banner.reconnecting';
  else if (state === 'reconnecting') key = 'banner.reconnecting';
  return (
    <div role="status" class={key ? 'qc-banner' : 'qc-sr'}>
      {key && <span>{t(key)}</span>}
      {key === 'banner.disconnected' && (
        <button type="button" class="qc-link" onClick={() => client.connect()}>
          {t('banner.retry')}
        </button>
      )}
    </div>
  );
}
