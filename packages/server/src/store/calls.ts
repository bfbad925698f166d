import type { CallMedia } from '@quickchat/protocol';
import type { AppendResult, NewMessage } from './conversations.js';

/**
 * The call part of the storage seam: a small journal of the calls in progress, so that a call the
 * server was running when it stopped (a crash, `kill -9`, a graceful stop that could not finish)
 * still gets its one record in the DM at the next start. Composed into `Store` (see `types.ts`)
 * and proven by `test/store-contract/calls.ts`. See docs/decisions/0011-call-state.md.
 *
 * A call costs the journal at most three writes: {@link openCall} when it starts ringing,
 * {@link markCallConnected} when its media is up, and {@link closeCall}, which is also the write
 * of its record. Nothing is written per signal or for any other state change.
 */
export interface CallJournalStore {
  /**
   * Notes a call that started ringing. Idempotent: a call id already open keeps its row as it is.
   * When this resolves, the row is durable.
   */
  openCall(call: NewOpenCall): Promise<void>;
  /**
   * Notes that an open call connected: answered at `acceptedAt`, media up at `connectedAt`. A call
   * id that is not open (already closed, or never opened) changes nothing. Durable once resolved.
   */
  markCallConnected(callId: string, at: { acceptedAt: number; connectedAt: number }): Promise<void>;
  /**
   * Appends the call's record (as {@link ConversationStore.appendMessages} would append this one
   * item, with its idempotency by `(senderId, conversationId, clientMsgId)`) and removes the call's
   * open row, in ONE transaction: never a record beside an open row, never neither. The row is
   * removed whatever the append answers (`stored`, `duplicate`, or a refusal such as
   * `no_conversation`, which no later attempt could change); if the transaction fails, neither
   * happens. A call id that is not open only appends. Durable once resolved.
   */
  closeCall(callId: string, record: NewMessage): Promise<AppendResult>;
  /** Every open call, oldest first (by `startedAt`, then id), and when the store was last written before this instance opened it. */
  listOpenCalls(): Promise<OpenCalls>;
}

/** A call that started ringing, as the journal keeps it. */
export interface NewOpenCall {
  callId: string;
  /** The DM of the two users, where the record goes. */
  conversationId: string;
  callerId: string;
  calleeId: string;
  /** What the caller offered. */
  media: CallMedia;
  startedAt: number;
  /**
   * The server node that runs the call (its owner: `ServiceContext.nodeId`). A node that starts,
   * or finds another node gone, closes only the rows of nodes that are no longer alive, never the
   * calls a live node still runs.
   */
  ownerNode: string;
}

/** An open call: its start, and when it was answered and connected (null until then). */
export interface OpenCallRecord extends NewOpenCall {
  acceptedAt: number | null;
  connectedAt: number | null;
}

/** What {@link CallJournalStore.listOpenCalls} answers. */
export interface OpenCalls {
  calls: OpenCallRecord[];
  /**
   * A time at or before which this store's data was last written before this instance opened it
   * (the previous run's last commit, or close): a lower bound of when that run stopped, for the
   * length of a call it left connected. Null when the backend cannot tell. Never later than the
   * open, so calls opened by this instance may have started after it.
   */
  lastWriteAt: number | null;
}
