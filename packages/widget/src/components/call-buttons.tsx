import { dmPeer } from '@quickchat/sdk';
import { callRequest } from '../state/calls.js';
import { useChat, useEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';

/**
 * The audio and video call buttons of a DM thread's title bar, shown when the other person is a
 * friend (whom the server lets you call). A press asks the call layer to place the call (it loads
 * the calls chunk first); both are
 * unavailable (`aria-disabled`) while a call is shown.
 */
export function CallButtons({ conversationId }: { conversationId: string }) {
  const { t } = useEnv();
  const { client, friends } = useChat();
  const peerId = dmPeer(conversationId, client.userId);
  const friend = useStore(friends.store, (s) => !!peerId && s.friends.some((f) => f.user.id === peerId), [peerId]);
  const request = callRequest(client);
  const busy = useStore(request, (r) => r !== null);
  if (!peerId || !friend) return null;
  // aria-disabled, not disabled: the button keeps focus while the call shows, and gets it back after.
  const call = (video: boolean) => !busy && request.update((r) => r ?? { kind: 'outgoing', peerId, media: { audio: true, video } });
  return (
    <>
      {[false, true].map((video) => (
        <button key={String(video)} type="button" class="qc-icon" aria-label={t(video ? 'call.startVideo' : 'call.startAudio')} aria-disabled={busy} onClick={() => call(video)}>
          {/* Shapes the widget's fonts have everywhere (no emoji font needed). */}
          {video ? (
            <svg data-qc-icon="" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path d="M2 6h13v12H2zm14 4 6-4v12l-6-4z" fill="currentColor" />
            </svg>
          ) : (
            <span aria-hidden="true">☎</span>
          )}
        </button>
      ))}
    </>
  );
}
