import { EventEmitter } from 'eventemitter3';
import type { CallEventFrame, CallMedia, TurnCredentialsResponse } from '@quickchat/protocol';
import type { ChatClient } from '../client.js';
import type { FrameHook } from '../extension/frame-hook.js';
import { silentLogger, type Logger } from '../logger.js';
import { ClientErrorCode } from '../errors.js';
import { CallError } from './errors.js';
import type { CallsEvents } from './events.js';
import { browserMedia, stopStream, type MediaSource } from './media.js';
import { simplePeerFactory, type PeerFactory } from './peer.js';
import { createCallRequests, type CallRequests } from './requests.js';
import { CallSession, type CallTimers, type SessionDeps } from './session.js';
import { CallReason } from './state.js';

/** Options of a {@link CallsManager}, taken by the first `callsOf(client, options)`. */
export interface CallsOptions {
  /** Makes each call's peer. Default: simple-peer on the platform's WebRTC (browsers); Node passes `wrtc`. */
  createPeer?: PeerFactory;
  /** Opens local media on `place()` and `accept()`. Default: `navigator.mediaDevices.getUserMedia`. */
  getUserMedia?: MediaSource;
  /** Where diagnostics go (dropped signals, transitions). Default: silent. */
  logger?: Logger;
  /**
   * How long an accepted call may take to connect before it is hung up (it then ends as
   * `failed`, with an `error` event saying why). Default 30 s.
   */
  connectTimeoutMs?: number;
  /**
   * How long a connected call's media path may stay lost (ICE `disconnected`: a network change, a
   * relay gone) before the caller's side restarts ICE, and then the pause between further
   * restarts while it stays lost (2.5 times as long). No socket reconnect is needed. Default 2 s.
   */
  iceRestartDelayMs?: number;
  /** How often a connected session emits `stats` (read from the peer connection). Default 5 s; 0: never. */
  statsIntervalMs?: number;
  /** The timers sessions use. Default: the global ones. */
  timers?: CallTimers;
}

/** The global timers. */
const GLOBAL_TIMERS: CallTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * 1:1 calls for one client: place calls, hear incoming ones, and get a {@link CallSession} for
 * each. Get it with `callsOf(client)` (one per client), right after `createClient` or at the
 * first ring (the core's `call` event rings before this entry is loaded; `sessionFor(call)`
 * picks such a call up). After a reconnect, every call in progress on this device is rejoined.
 */
export class CallsManager {
  private readonly emitter = new EventEmitter<CallsEvents>();
  private readonly live = new Map<string, CallSession>();
  private readonly deps: SessionDeps;
  private hook: FrameHook | null = null;
  private requests: CallRequests | null = null;
  /** The catch-up after the latest `ready` finished. */
  private synced = false;

  /** Use `callsOf(client, options)`: it returns the one manager of a client. */
  constructor(client: ChatClient, options: CallsOptions = {}) {
    const logger = options.logger ?? silentLogger;
    this.deps = {
      requests: { send: (...args) => this.request().send(...args), answer: (frame) => this.request().answer(frame) },
      send: (frame) => this.hook?.send(frame) ?? false,
      createPeer: options.createPeer ?? simplePeerFactory,
      openMedia: options.getUserMedia ?? browserMedia,
      iceServers: async () => {
        const ice = await client.rest.request<TurnCredentialsResponse>({ method: 'GET', path: '/api/turn-credentials' });
        if (!ice.turn) logger.warn('calls: the server has no TURN relay; calls connect only where a direct path exists', { note: ice.note });
        return ice.iceServers;
      },
      logger,
      reconnecting: () => {
        const state = this.hook?.connectionState;
        return state === 'reconnecting' || state === 'connecting' || state === 'authenticating';
      },
      caughtUp: () => this.synced,
      ended: (session) => void this.live.delete(session.callId),
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      iceRestartDelayMs: options.iceRestartDelayMs ?? 2_000,
      statsIntervalMs: options.statsIntervalMs ?? 5_000,
      timers: options.timers ?? GLOBAL_TIMERS,
    };
    client.attach((hook) => {
      this.hook = hook;
      this.requests = createCallRequests(hook);
      const offs = [
        hook.onFrame('call', (frame) => {
          this.requests?.answer(frame);
          this.route(frame, true);
        }),
        hook.onFrame('signal', (frame) => {
          // Only the other user of a call in progress here signals it (the server relays nothing else; checked here too).
          const session = this.live.get(frame.callId);
          if (session && frame.fromUserId === session.peerId) session.handleSignal(frame.data);
          else logger.debug('calls: dropped a signal for an unknown or ended call, or from someone outside it', { callId: frame.callId, fromUserId: frame.fromUserId });
        }),
        hook.onFrame('ready', () => {
          this.synced = false;
          for (const session of [...this.live.values()]) session.rejoin();
        }),
        hook.on('synced', () => {
          this.synced = true;
          for (const session of [...this.live.values()]) session.caughtUp();
        }),
        // A call's record tells how it ended, also for a call that ended while this device was away.
        hook.on('message', ({ message: { content } }) => {
          if (content.type === 'call') this.live.get(content.callId)?.recorded(content.outcome);
        }),
      ];
      return () => {
        for (const off of offs) off();
        for (const session of [...this.live.values()]) session.close(CallReason.ClientClosed, 'the client closed');
        this.hook = this.requests = null;
        this.emitter.removeAllListeners();
      };
    });
  }

  /** The calls in progress on this device (ringing here, placed here, or connected), by call id. */
  get sessions(): ReadonlyMap<string, CallSession> {
    return this.live;
  }

  /** Subscribes to a manager event (`incoming`); returns the function that unsubscribes. */
  on<E extends keyof CallsEvents>(event: E, listener: CallsEvents[E]): () => void {
    this.emitter.on(event, listener);
    return () => void this.emitter.off(event, listener);
  }

  /**
   * Calls `peerId` (a user you may DM) with `media`: fetches fresh ICE servers while it opens your
   * media, then rings every device of theirs. Resolves with the session once the server rings them (or
   * already `ended` with outcome `busy`). Rejects with a `CallError` (`not_found`: not callable;
   * `conflict`: you are in a call; `rate_limited`; `disconnected`) or the media source's error;
   * media opened for a refused call is stopped.
   */
  async place(peerId: string, media: CallMedia): Promise<CallSession> {
    const ice = this.deps.iceServers();
    ice.catch(() => undefined); // awaited below, after the media
    const stream = await this.deps.openMedia(media);
    let iceServers: RTCIceServer[];
    try {
      iceServers = await ice;
    } catch (error) {
      stopStream(stream);
      throw error;
    }
    let session: CallSession | null = null;
    try {
      await this.deps.requests.send({ type: 'call', action: 'invite', peerId, media }, null, (frame) => {
        session = new CallSession(frame, this.deps, { stream, iceServers });
        this.live.set(frame.callId, session);
      });
    } catch (error) {
      stopStream(stream);
      throw error;
    }
    return session!;
  }

  /**
   * The session of a call the core's `call` event announced (e.g. one that rang before this entry
   * loaded): the live one, or a new incoming session for a call ringing for you. Null for a call
   * this device can't take part in (ended, or someone else's side).
   */
  sessionFor(call: CallEventFrame): CallSession | null {
    return this.live.get(call.callId) ?? this.route(call, false);
  }

  private route(frame: CallEventFrame, announce: boolean): CallSession | null {
    const known = this.live.get(frame.callId);
    if (known) {
      known.handleCall(frame);
      return known;
    }
    if (frame.state !== 'ringing' || frame.calleeId !== this.hook?.userId) return null;
    const session = new CallSession(frame, this.deps);
    this.live.set(frame.callId, session);
    if (announce) this.emitter.emit('incoming', { session });
    return session;
  }

  private request(): CallRequests {
    if (!this.requests) throw new CallError(ClientErrorCode.Closed, 'the client was closed', null);
    return this.requests;
  }
}

const managers = new WeakMap<ChatClient, CallsManager>();

/** The {@link CallsManager} of `client`, created on first use (one per client; `options` count only then). */
export function callsOf(client: ChatClient, options?: CallsOptions): CallsManager {
  let manager = managers.get(client);
  if (!manager) managers.set(client, (manager = new CallsManager(client, options)));
  return manager;
}
