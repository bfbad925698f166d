import type { CallEventFrame, CallFrame } from '@quickchat/protocol';
import { ClientErrorCode } from '../errors.js';
import { extensionRequestId, type FrameHook } from '../extension/frame-hook.js';
import { CallError } from './errors.js';

/** A `call` frame as a caller writes it: the id is added by {@link CallRequests}. */
export type CallAction = CallFrame extends infer F ? (F extends CallFrame ? Omit<F, 'id'> : never) : never;

/** What answers a request: the call frame carrying its id, handled before any other handler sees it. */
export type ReplyHandler = (reply: CallEventFrame) => void;

/**
 * `call` frames sent with a request id, each answered by the server's `call` frame with that id
 * or an `error` with it. A request still open when the socket leaves `connected` fails with
 * `disconnected` (the server may or may not have acted on it; the call frames that follow tell).
 */
export interface CallRequests {
  /** Sends `action`; `onReply` runs synchronously with the answering frame, then the promise resolves with it. */
  send(action: CallAction, callId: string | null, onReply?: ReplyHandler): Promise<CallEventFrame>;
  /** Settles the request a `call` frame answers (by its id); true when it answered one. */
  answer(frame: CallEventFrame): boolean;
}

/** Creates the request table of one calls manager, wired to the hook's `error` frames and connection state. */
export function createCallRequests(hook: FrameHook): CallRequests {
  let next = 0;
  const open = new Map<string, { callId: string | null; resolve: (frame: CallEventFrame) => void; reject: (error: CallError) => void; onReply?: ReplyHandler }>();
  const failAll = (make: (callId: string | null) => CallError) => {
    for (const [id, request] of [...open]) {
      open.delete(id);
      request.reject(make(request.callId));
    }
  };
  hook.onFrame('error', (frame) => {
    const request = typeof frame.id === 'string' ? open.get(frame.id) : undefined;
    if (!request) return;
    open.delete(frame.id as string);
    request.reject(new CallError(frame.code, frame.message, request.callId, frame.retryAfterMs !== undefined ? { retryAfterMs: frame.retryAfterMs } : {}));
  });
  hook.on('connectionStateChanged', ({ newState }) => {
    if (newState !== 'connected') failAll((callId) => new CallError(ClientErrorCode.Disconnected, 'the connection dropped before the server answered', callId));
  });
  return {
    send(action, callId, onReply) {
      // An extension's id (`call:…`): the core leaves errors about it to this module.
      const id = extensionRequestId('call', ++next);
      return new Promise((resolve, reject) => {
        if (!hook.send({ ...action, id } as CallFrame)) return reject(new CallError(ClientErrorCode.Disconnected, 'not connected', callId));
        open.set(id, { callId, resolve, reject, onReply });
      });
    },
    answer(frame) {
      const request = typeof frame.id === 'string' ? open.get(frame.id) : undefined;
      if (!request) return false;
      open.delete(frame.id as string);
      request.onReply?.(frame);
      request.resolve(frame);
      return true;
    },
  };
}
