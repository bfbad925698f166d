import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import { callRequest, type WidgetCalls } from '../state/calls.js';
import { useStore } from '../state/use-store.js';
import { lazyChunk } from '../util/lazy.js';
import { LoadFailed } from './load-failed.js';

/** The calls chunk (the call screens and `@quickchat/sdk/calls`): fetched when a call starts or rings. */
const loadCalls = lazyChunk(() => import('../features/calls/calls.js'));

/**
 * Where calls show, for one signed-in client; mounted once beside the shell. The always-loaded
 * part of calls is only this and the thread's call buttons: it hears the core's `call` event (a
 * call ringing here; until the chunk takes over, the newest frame of that call is kept), loads
 * the calls chunk when a call rings or is started (`callRequest`), and hands the call over. The
 * chunk's screens render outside the launcher panel, so a call shows while the panel is closed.
 * `calls` stands in for `callsOf(client)` in tests.
 */
export function CallLayer({ client, calls }: { client: ChatClient; calls?: WidgetCalls }) {
  const store = callRequest(client);
  const request = useStore(store, (r) => r);
  const [chunk, setChunk] = useState<Awaited<ReturnType<typeof loadCalls>> | false | null>(null);

  useLayoutEffect(
    () =>
      client.on('call', ({ call }) => {
        const shown = store.getState();
        if (shown ? shown.kind === 'incoming' && shown.call.callId === call.callId : call.state === 'ringing' && call.calleeId === client.userId) store.update(() => ({ kind: 'incoming', call }));
      }),
    [client],
  );
  const load = () => loadCalls().then(setChunk, () => setChunk(false));
  useEffect(() => void (request && !chunk && load()), [request]);

  if (!request || chunk === null) return null;
  if (!chunk) return <LoadFailed onRetry={() => (setChunk(null), void load())} />;
  return <chunk.CallRoot request={request} calls={calls ?? chunk.callsFor(client)} onDone={() => store.update(() => null)} />;
}
