/**
 * `@quickchat/sdk/calls`: 1:1 audio and video calls for a `ChatClient` over WebRTC (simple-peer),
 * with the server enforcing and recording each call's lifecycle. An entry of its own, loaded
 * lazily: the core already rings (its `call` event) before this code is loaded.
 *
 * ```ts
 * const { callsOf } = await import('@quickchat/sdk/calls');
 * const calls = callsOf(client);
 * calls.on('incoming', ({ session }) => {
 *   ring(session.peerId);
 *   session.on('remoteStream', ({ stream }) => (video.srcObject = stream));
 *   onAnswer(() => session.accept({ audio: true, video: true })); // opens the camera only now
 * });
 * const call = await calls.place(friendId, { audio: true, video: false });
 * call.on('ended', ({ outcome }) => showOutcome(outcome));
 * ```
 */
export { callsOf, CallsManager, type CallsOptions } from './manager.js';
export { CallSession, type CallTimers } from './session.js';
export { CallState, CallReason, type CallStateChange } from './state.js';
export { CallError } from './errors.js';
export { simplePeerFactory, type PeerFactory, type PeerLike, type PeerOptions, type PeerSignal } from './peer.js';
export type { MediaSource } from './media.js';
export type { CallsEvents, CallSessionEvents, CallEndedContext, CallStats } from './events.js';
export type { CallEventFrame, CallMedia, CallOutcome, CallRecordContent } from '@quickchat/protocol';
