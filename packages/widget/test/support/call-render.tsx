/** Renders the call layer (and a DM thread's call buttons) with a fake calls manager, as the chat root mounts it. */
import { CallButtons } from '../../src/components/call-buttons.js';
import { CallLayer } from '../../src/components/call-layer.js';
import { callRequest, type CallRequest } from '../../src/state/calls.js';
import type { Writable } from '../../src/state/context.js';
import { FakeCalls } from './fake-call.js';
import { FakeClient, ME, dmId, user } from './fake-client.js';
import { renderChat, type Rendered } from './render.js';

/** Bob, a friend of the signed-in user. */
export const BOB = user('u_bob', 'Bob');

/**
 * The signed-in widget's call parts for a user whose friend is Bob: Bob's DM thread call buttons
 * and the call layer (inside a `.qc-root`, where its screens go), with {@link FakeCalls}.
 */
export function renderCalls(options: { locale?: string } = {}): Rendered & { calls: FakeCalls; request: Writable<CallRequest | null> } {
  const client = new FakeClient();
  client.friendsStore.update((s) => ({ ...s, friends: [{ user: BOB, status: 'friends', memo: null, since: 1 }] }));
  client.profiles.set(BOB.id, BOB);
  const calls = new FakeCalls();
  const rendered = renderChat(
    <div class="qc-root">
      <CallButtons conversationId={dmId(ME, BOB.id)} />
      <CallLayer client={client.asClient()} calls={calls} />
    </div>,
    { client, locale: options.locale },
  );
  return { ...rendered, calls, request: callRequest(client) };
}
