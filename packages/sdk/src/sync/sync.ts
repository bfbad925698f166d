import type { ConversationSync, GroupRole, Message, UserEvent } from '@quickchat/protocol';
import { ConnectionState } from '../connection/state.js';
import { ClientErrorCode, toError } from '../errors.js';
import type { EmitEvent } from '../events.js';
import type { FrameHook } from '../extension/frame-hook.js';
import type { StorageAdapter } from '../storage/types.js';
import { createCatchUp } from './catch-up.js';

/** What the sync manager needs from the rest of the client. */
export interface SyncDeps {
  hook: FrameHook;
  /** Where cursors are saved (under `${namespace}:sync:<userId>`). */
  storage: StorageAdapter;
  namespace: string;
  emit: EmitEvent;
  fail(err: unknown): void;
  /** Fetches stored messages after `after`, ascending (REST history). */
  fetchAfter(conversationId: string, after: number): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** A message is next in its conversation's order: show it. Called exactly once per message. */
  surface(message: Message): void;
  /** A conversation summary arrived from sync. */
  summary(conversation: ConversationSync): void;
  /** You left a group (`left: true`: left, removed, dissolved) or joined one (`false`), or got a new `role` in it. */
  membership(conversationId: string, left: boolean, role?: GroupRole): void;
}

/** Catch-up over the socket: see {@link createSync}. */
export interface Sync {
  /** After `ready`: loads `userId`'s cursors and asks the server for what was missed. */
  start(userId: string): Promise<void>;
  /** Highest seq surfaced in a conversation (0 when none). */
  cursor(conversationId: string): number;
  /** Surfaces a stored message in order (e.g. an own message, from its ack). */
  ingest(message: Message): void;
}

/**
 * Catch-up over the socket: sends `sync` after each `ready` and each server `resync`, applies the
 * `synced` reply (then emits `synced`), and feeds live `message` and user `event` frames through
 * {@link createCatchUp}, which surfaces each message once, in order. A `group` event about you
 * marks the group left (left, removed, dissolved), or asks sync again for the summary (and
 * floor) of a group you joined; meanwhile its messages wait.
 */
export function createSync(d: SyncDeps): Sync {
  const { hook, emit } = d;
  let seq = 0;
  let resyncing = false;
  /** Sends one more `sync` (coalesced within a turn): the reply lists groups joined since. */
  const resync = () => {
    if (resyncing) return;
    resyncing = true;
    queueMicrotask(() => {
      resyncing = false;
      hook.send(catchUp.request(`sync-${++seq}`));
    });
  };
  const events = (list: UserEvent[]) => {
    for (const event of list) {
      if (event.kind == 'profile') emit('userUpdated', { user: event.user });
      else if (event.kind != 'group') emit('relationChanged', { event });
      else {
        const { change, conversationId: id } = event;
        const mine = event.subjectId == hook.userId;
        if (change == 'dissolved' || (mine && (change == 'left' || change == 'removed'))) d.membership(id, true);
        if (mine && change == 'role') d.membership(id, false, event.role);
        if (mine && change == 'joined') {
          d.membership(id, false);
          catchUp.hold(id);
          resync();
        }
        emit('groupChanged', { event });
      }
    }
  };
  const catchUp = createCatchUp(d.storage, { fetchAfter: d.fetchAfter, surface: d.surface, summary: d.summary, events, failed: d.fail, resync });
  hook.onFrame('synced', (frame) => {
    catchUp
      .applySynced(frame)
      .then((backfilled) => {
        if (hook.connectionState === ConnectionState.Connected) emit('synced', { userId: hook.userId, conversations: frame.conversations.length, backfilled, eventsLimited: frame.eventsLimited });
      })
      .catch(d.fail);
  });
  hook.onFrame('message', (frame) => catchUp.ingest(frame.message));
  // The server's node may have missed frames for this socket (it lost the other nodes and got them back).
  hook.onFrame('resync', resync);
  hook.onFrame('event', (frame) => {
    if (catchUp.acceptEvent(frame.event)) events([frame.event]);
  });
  return {
    cursor: catchUp.cursor,
    ingest: catchUp.ingest,
    async start(userId) {
      // Unreadable saved cursors: report it and catch up from the server's defaults.
      await catchUp.load(userId, d.namespace).catch((err: unknown) => d.fail(toError(err, ClientErrorCode.Storage)));
      hook.send(catchUp.request(`sync-${++seq}`));
    },
  };
}
