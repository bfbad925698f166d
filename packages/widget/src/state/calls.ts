import { createStore, type CallEventFrame } from '@quickchat/sdk';
import type { CallMedia, CallSession } from '@quickchat/sdk/calls';
import type { Writable } from './context.js';

/**
 * The call the widget shows: one ringing here (`incoming`, the core's latest `call` frame for
 * it), or one this user starts from a DM thread (`outgoing`). Set by the always-loaded part (the
 * core's `call` event, the thread's call buttons); the calls chunk takes it from there.
 */
export type CallRequest = { kind: 'incoming'; call: CallEventFrame } | { kind: 'outgoing'; peerId: string; media: CallMedia };

/** The part of a `CallSession` (`@quickchat/sdk/calls`) the calls UI uses, so tests can stand in a fake. */
export type WidgetCallSession = Pick<
  CallSession,
  'callId' | 'direction' | 'peerId' | 'media' | 'state' | 'call' | 'outcome' | 'localStream' | 'on' | 'accept' | 'decline' | 'hangUp' | 'setAudioEnabled' | 'setVideoEnabled' | 'switchInput' | 'shareScreen' | 'stopScreenShare'
>;

/** The part of the client's `callsOf(client)` the calls UI uses. */
export interface WidgetCalls {
  /** See `CallsManager.place`. */
  place(peerId: string, media: CallMedia): Promise<WidgetCallSession>;
  /** See `CallsManager.sessionFor`. */
  sessionFor(call: CallEventFrame): WidgetCallSession | null;
}

const requests = new WeakMap<object, Writable<CallRequest | null>>();

/** The call shown for `client` (one store per client, shared by the call buttons and the call layer). */
export function callRequest(client: object): Writable<CallRequest | null> {
  let store = requests.get(client);
  if (!store) requests.set(client, (store = createStore<CallRequest | null>(null)));
  return store;
}
