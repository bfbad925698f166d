import type { ClientFrame, ServerFrame } from '@quickchat/protocol';
import type { ConnectionState } from '../connection/state.js';
import type { ClientEvents } from '../events.js';

/** The server frame of one `type`. */
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/**
 * The client's seam for the managers it is made of and for extensions attached later with
 * `client.attach()` (the lazily loaded calls entry): send frames, take the server frames of the
 * types you own, and follow the client's events. For extension authors, not for apps.
 */
export interface FrameHook {
  /** The signed-in user's id ('' until it is known). */
  readonly userId: string;
  /** The connection's current state. */
  readonly connectionState: ConnectionState;
  /** Sends a frame when connected; returns false (and sends nothing) otherwise. */
  send(frame: ClientFrame): boolean;
  /**
   * Calls `handler` with every server frame of `type` from now on (`ready` included: once per
   * session, not for re-authentications); returns the function that unsubscribes. A frame goes
   * to every handler of its type; frames of a type nobody registered are ignored.
   */
  onFrame<T extends ServerFrame['type']>(type: T, handler: (frame: ServerFrameOf<T>) => void): () => void;
  /** Subscribes to a client event (`connectionStateChanged`, `synced`, …); returns the unsubscribe function. */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** Reports a failure of background work (nobody awaits it) as the client's `error` event. */
  fail(error: unknown): void;
}

/**
 * The id of an extension's request, e.g. `call:3`. The `:` is what marks it: a clientMsgId (the
 * id of the core's own requests) never has one. The core leaves `error` frames about such ids to
 * the extension that sent the request (which rejects its own promise) instead of reporting them
 * as the client's `error` event.
 */
export const extensionRequestId = (extension: string, n: number): string => `${extension}:${n}`;

/** True for an {@link extensionRequestId}. */
export const isExtensionRequestId = (id: unknown): boolean => typeof id == 'string' && id.includes(':');

/**
 * Something attached to a client with `client.attach()`: it receives its own {@link FrameHook}
 * and may return a teardown, run when it is detached or the client closes.
 */
export type ClientExtension = (hook: FrameHook) => (() => void) | void;

/** What the router needs from the client to build hooks. */
export interface HookSource {
  send(frame: ClientFrame): boolean;
  on: FrameHook['on'];
  fail: FrameHook['fail'];
  userId(): string;
  state(): ConnectionState;
}

type Handler = (frame: ServerFrame) => void;

/** Routes server frames by type to the handlers registered through its hooks: see {@link createFrameRouter}. */
export interface FrameRouter {
  /** The hook of the client's own managers, which live as long as the client. */
  readonly hook: FrameHook;
  /** Hands `frame` to every handler of its type; frames of a type nobody registered are ignored. */
  dispatch(frame: ServerFrame): void;
  /** Gives `extension` a hook of its own; returns the function that detaches it (drops its handlers and listeners, runs its teardown). */
  attach(extension: ClientExtension): () => void;
  /** Detaches every extension and drops every handler. */
  close(): void;
}

/** Creates the frame router of a client. */
export function createFrameRouter(source: HookSource): FrameRouter {
  const handlers = new Map<string, Set<Handler>>();
  const detachers = new Set<() => void>();
  const makeHook = (track: (off: () => void) => void): FrameHook => {
    const keep = (off: () => void) => (track(off), off);
    return {
      get userId() {
        return source.userId();
      },
      get connectionState() {
        return source.state();
      },
      send: (frame) => source.send(frame),
      onFrame(type, handler) {
        let set = handlers.get(type);
        if (!set) handlers.set(type, (set = new Set()));
        set.add(handler as Handler);
        return keep(() => void set.delete(handler as Handler));
      },
      on: (event, listener) => keep(source.on(event, listener)),
      fail: source.fail,
    };
  };
  return {
    hook: makeHook(() => undefined),
    dispatch(frame) {
      for (const handler of [...(handlers.get(frame.type) ?? [])]) handler(frame);
    },
    attach(extension) {
      const offs: (() => void)[] = [];
      const teardown = extension(makeHook((off) => offs.push(off)));
      const detach = (): void => {
        if (!detachers.delete(detach)) return;
        for (const off of offs) off();
        teardown?.();
      };
      detachers.add(detach);
      return detach;
    },
    close() {
      for (const detach of [...detachers]) detach();
      handlers.clear();
    },
  };
}
