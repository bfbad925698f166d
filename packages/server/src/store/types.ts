import type { ConversationStore } from './conversations.js';
import type { RelationStore } from './relations.js';
import type { TokenStore } from './tokens.js';
import type { UserStore } from './users.js';
import type { GroupStore } from './groups.js';
import type { SearchStore } from './search.js';
import type { AttachmentStore } from './attachments.js';
import type { CallJournalStore } from './calls.js';

export type { UserStore, UserRecord, NewUser, NewExternalUser, ProfilePatch } from './users.js';
export { HandleTakenError } from './users.js';
export type { TokenStore, RefreshTokenRecord } from './tokens.js';
export type { RelationStore, StoredFriendshipStatus, FriendshipRow, NewUserEvent, RelationChange } from './relations.js';
export type { GroupStore, GroupRecord, GroupSettings, GroupMemberRecord, PendingKind, PendingRecord, NewGroup, GroupChange, GroupChangeResult } from './groups.js';
export type { SearchStore, StoredHit } from './search.js';
export type { AttachmentStore, AttachmentRecord, NewUpload } from './attachments.js';
export type { CallJournalStore, NewOpenCall, OpenCallRecord, OpenCalls } from './calls.js';
export type {
  ConversationStore,
  MessageRules,
  NewConversation,
  NewMessage,
  AppendResult,
  HistoryRange,
  HistoryPage,
  ConversationState,
} from './conversations.js';

/**
 * The storage seam: one interface per entity, composed. Every method is async so networked
 * stores (MongoDB) fit the same shape. Implementations: `store/sqlite` (embedded default).
 * The contract suite (`test/store-contract/`) has one part per entity interface and runs
 * against each implementation, so a new backend can be built and proven part by part.
 *
 * A new entity is a new `XStore` interface in its own file, added to this
 * `extends` list and to the contract suite.
 *
 * Rules (who may do what) live in services, not here; the store only guarantees atomicity
 * of each method and the invariants documented on it.
 */
export interface Store extends UserStore, TokenStore, RelationStore, ConversationStore, GroupStore, SearchStore, AttachmentStore, CallJournalStore {
  /** Releases file handles / connections. Idempotent. */
  close(): Promise<void>;
}
