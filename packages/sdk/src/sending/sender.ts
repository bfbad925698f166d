import { isMutation, type Message, type MessageContent, type SendableContent } from '@quickchat/protocol';
import type { Conversations } from '../conversations/conversations.js';
import type { Environment, TimerHandle } from '../connection/environment.js';
import { ConnectionState } from '../connection/state.js';
import { ClientErrorCode, QuickchatError, type QuickchatErrorCode } from '../errors.js';
import type { EmitEvent } from '../events.js';
import { isExtensionRequestId, type FrameHook } from '../extension/frame-hook.js';
import { newClientMsgId } from '../ids.js';
import type { LocalMessage } from '../stores/state.js';
import type { StorageAdapter } from '../storage/types.js';
import { Outbox, type OutboxEntry } from './outbox.js';

/** What sending needs from the rest of the client. */
export interface SenderDeps {
  hook: FrameHook;
  env: Environment;
  /** Where the outbox is saved: under `${namespace}:outbox`, and its last user under `${namespace}:user`. */
  storage: StorageAdapter;
  namespace: string;
  convs: Conversations;
  /** Hands a stored message to catch-up, so own messages surface in order like any other. */
  ingest(message: Message): void;
  /** The longest text the server accepts now (UTF-16 units). */
  maxTextLength(): number;
  emit: EmitEvent;
  fail(err: unknown, code?: QuickchatErrorCode): void;
}

/** Sending: see {@link createSender}. */
export interface Sender {
  /**
   * See `ChatClient.send`. Throws, and enqueues nothing, when the text is too long (`validation`)
   * or the conversation is a group you are no longer a member of (`not_found`).
   */
  send(conversationId: string, content: string | SendableContent): LocalMessage;
  /** See `ChatClient.retry`. */
  retry(conversationId: string, clientMsgId: string): void;
  /**
   * Loads the saved outbox and shows `userId`'s entries. When `userId` is '' (not known before
   * sign-in), shows those of the user last signed in with this storage (e.g. after a reload
   * while offline) and resolves with that user's id.
   */
  restore(userId: string): Promise<string>;
  /** Records `userId` as the user last signed in with this storage. */
  remember(userId: string): void;
  /** The session is `userId`'s: their unowned and saved entries become theirs and show. */
  claim(userId: string): Promise<void>;
}

/**
 * Sending: the outbox, acks, and failures. A message goes out at once while the session is
 * caught up (after `synced`), else waits in the outbox and goes out, oldest first and with the
 * same clientMsgId, once it is. A retryable refusal (rate limit, server failure) holds every
 * send for the server's `retryAfterMs`, then resends the whole outbox in order; any other
 * refusal fails the message for good. When the outbox cannot be saved, a `storage` error is
 * reported and the messages are still sent from memory.
 */
export function createSender(d: SenderDeps): Sender {
  const { hook, env, convs, storage } = d;
  const userKey = `${d.namespace}:user`;
  const outbox = new Outbox(storage, `${d.namespace}:outbox`, (cause) =>
    d.fail(new QuickchatError(ClientErrorCode.Storage, 'could not save the outbox: unsent messages are kept in memory only', { cause })),
  );
  /** True while catch-up has finished on the current socket. */
  let live = false;
  /** While set, the server asked us to back off: sends wait in the outbox, in order. */
  let hold: TimerHandle | null = null;

  const transmit = (entry: OutboxEntry) =>
    hook.send({ type: 'send', id: entry.clientMsgId, conversationId: entry.conversationId, clientMsgId: entry.clientMsgId, content: entry.content });
  /** Sends every waiting message, oldest first (resends are deduplicated by clientMsgId). */
  const flush = () => {
    if (live && hold === null) for (const entry of outbox.forUser(hook.userId)) transmit(entry);
  };
  const enqueue = (entry: OutboxEntry) => {
    void outbox.add(entry);
    if (live && hold === null) transmit(entry);
  };
  const update = (conversationId: string, clientMsgId: string, change: Partial<LocalMessage>) => {
    const message = convs.patch(conversationId, hook.userId, clientMsgId, change);
    if (message) d.emit('messageUpdated', { message });
  };
  /** Shows the user's outbox entries that are not in the messages store yet (e.g. written before a reload). */
  const showPending = (userId: string) => {
    for (const e of outbox.forUser(userId)) {
      if (!convs.messages.getState()[e.conversationId]?.items.some((m) => m.clientMsgId === e.clientMsgId)) convs.addPending(pendingCopy(e));
    }
  };

  hook.onFrame('ack', (frame) => {
    const entry = outbox.get(frame.clientMsgId);
    void outbox.remove(frame.clientMsgId);
    // Usually a no-op: the server sends our own `message` copy (as stored: files described) before the ack.
    if (entry) d.ingest({ id: frame.messageId, conversationId: frame.conversationId, seq: frame.seq, senderId: hook.userId, clientMsgId: frame.clientMsgId, content: entry.content as MessageContent, createdAt: frame.createdAt });
  });
  // An error about one of our sends carries its clientMsgId as id; one about an extension's
  // request is the extension's to report; any other is reported as is.
  hook.onFrame('error', (frame) => {
    const entry = typeof frame.id === 'string' ? outbox.get(frame.id) : undefined;
    const error = new QuickchatError(frame.code, frame.message, frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs });
    if (!entry) return isExtensionRequestId(frame.id) || d.fail(error);
    if (error.retryable) {
      // Hold every send, then resend the whole outbox in order: later messages must not overtake this one.
      hold ??= env.setTimeout(() => {
        hold = null;
        flush();
      }, Math.max(error.retryAfterMs ?? 0, 1000));
      return;
    }
    void outbox.remove(entry.clientMsgId);
    update(entry.conversationId, entry.clientMsgId, { state: 'failed', error });
    d.fail(error);
  });
  hook.on('synced', () => {
    // Once per socket: a later sync (after joining a group) must not resend what is in flight.
    if (live) return;
    live = true;
    flush();
  });
  // Not connected (or closed): wait. A new socket starts with a fresh rate budget.
  hook.on('connectionStateChanged', ({ newState }) => {
    if (newState === ConnectionState.Connected) return;
    live = false;
    if (hold !== null) env.clearTimeout(hold);
    hold = null;
  });

  return {
    send(conversationId, input) {
      const content = typeof input == 'string' ? { type: 'text' as const, text: input } : input;
      const max = d.maxTextLength();
      const length = 'text' in content ? content.text.length : 0;
      if (length > max) throw new QuickchatError('validation', `message too long: ${length} characters, the server accepts ${max}`);
      if (convs.conversations.getState()[conversationId]?.left) throw new QuickchatError('not_found', `you are no longer a member of ${conversationId}`);
      const entry: OutboxEntry = { userId: hook.userId, conversationId, clientMsgId: newClientMsgId(env.random), content, createdAt: env.now() };
      const local = pendingCopy(entry);
      // An edit, delete or reaction shows once stored, applied to its target; it is never a message of its own.
      if (!isMutation(content)) convs.addPending(local);
      enqueue(entry);
      return local;
    },
    retry(conversationId, clientMsgId) {
      const me = hook.userId;
      const message = convs.messages.getState()[conversationId]?.items.find((m) => m.clientMsgId === clientMsgId && m.senderId === me);
      if (message?.state !== 'failed') return;
      update(conversationId, clientMsgId, { state: 'pending', error: null });
      // Only own messages fail, and clients send only what they may send (never system notices).
      enqueue({ userId: me, conversationId, clientMsgId, content: message.content as SendableContent, createdAt: message.createdAt });
    },
    async restore(userId) {
      await outbox.load();
      showPending(userId);
      const last = userId ? '' : ((await storage.get(userKey)) ?? '');
      if (last) showPending(last);
      return last;
    },
    remember(userId) {
      storage.set(userKey, userId).catch((err: unknown) => d.fail(err, ClientErrorCode.Storage));
    },
    async claim(userId) {
      convs.claimPending(userId);
      await outbox.claim(userId);
      showPending(userId);
    },
  };
}

function pendingCopy(e: OutboxEntry): LocalMessage {
  return { clientMsgId: e.clientMsgId, id: null, conversationId: e.conversationId, senderId: e.userId, content: e.content, seq: null, createdAt: e.createdAt, state: 'pending', error: null };
}
