import type Database from 'better-sqlite3';

/** One schema step. `up` is plain SQL, run with its version bump in a single transaction. */
export interface Migration {
  /** 1-based, strictly increasing, never reused: the value `PRAGMA user_version` holds once applied. */
  version: number;
  name: string;
  up: string;
}

/**
 * The ordered schema history. Append new steps; never edit an applied one, because
 * existing databases only run the steps above their `user_version`.
 *
 * Tables keyed by a natural composite key are `WITHOUT ROWID`, so rows are clustered by that
 * key: history pages and per-user event scans read contiguous b-tree pages.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        handle        TEXT UNIQUE,
        display_name  TEXT NOT NULL,
        avatar_url    TEXT,
        signature     TEXT NOT NULL DEFAULT '',
        password_hash TEXT,
        created_at    INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        family_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

      CREATE TABLE friendships (
        user_id    TEXT NOT NULL,
        peer_id    TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('outgoing', 'incoming', 'friends', 'removed')),
        memo       TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, peer_id)
      ) WITHOUT ROWID;
      CREATE INDEX friendships_by_status ON friendships (user_id, status, updated_at);

      CREATE TABLE blocks (
        blocker_id TEXT NOT NULL,
        blocked_id TEXT NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      ) WITHOUT ROWID;

      CREATE TABLE user_events (
        user_id TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        at      INTEGER NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE conversations (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('dm', 'group')),
        last_seq   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE conversation_members (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id         TEXT NOT NULL,
        delivered       INTEGER NOT NULL DEFAULT 0,
        read            INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX conversation_members_by_user ON conversation_members (user_id);

      CREATE TABLE messages (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        id              TEXT NOT NULL UNIQUE,
        sender_id       TEXT NOT NULL,
        client_msg_id   TEXT NOT NULL,
        content         TEXT NOT NULL CHECK (json_valid(content)),
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, seq),
        UNIQUE (sender_id, client_msg_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'idempotency per conversation, O(1) unread',
    // Messages: the idempotency key becomes (conversation, sender, clientMsgId), so a key reused
    // in another conversation is a new message instead of a "duplicate" of the first one. SQLite
    // cannot change a table constraint in place, so the table is rebuilt, keeping every row; no
    // table references it, so it can be dropped with foreign keys on. The conversation comes first
    // in the new key: one conversation's entries sit together, like its rows, and the duplicate
    // check is one equality probe on all three columns.
    //
    // Members: own_after_read counts the member's own messages with seq > read, so that
    // unread = last_seq - read - own_after_read (messages are gap-free from 1) is read without
    // counting. An append bumps only its sender's counter; a cursor move lowers it. Whoever adds
    // a member to an existing conversation later (groups) sets it for that member's read cursor.
    up: `
      CREATE TABLE messages_v2 (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        id              TEXT NOT NULL UNIQUE,
        sender_id       TEXT NOT NULL,
        client_msg_id   TEXT NOT NULL,
        content         TEXT NOT NULL CHECK (json_valid(content)),
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, seq),
        UNIQUE (conversation_id, sender_id, client_msg_id)
      ) WITHOUT ROWID;
      INSERT INTO messages_v2 (conversation_id, seq, id, sender_id, client_msg_id, content, created_at)
        SELECT conversation_id, seq, id, sender_id, client_msg_id, content, created_at FROM messages;
      DROP TABLE messages;
      ALTER TABLE messages_v2 RENAME TO messages;

      ALTER TABLE conversation_members ADD COLUMN own_after_read INTEGER NOT NULL DEFAULT 0;
      -- One pass over the messages (not one range per member, which a large group would multiply).
      WITH own AS (
        SELECT x.conversation_id, x.sender_id, COUNT(*) AS n
        FROM messages x
        JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = x.sender_id
        WHERE x.seq > m.read
        GROUP BY x.conversation_id, x.sender_id
      )
      UPDATE conversation_members SET own_after_read = own.n FROM own
      WHERE own.conversation_id = conversation_members.conversation_id AND own.sender_id = conversation_members.user_id;
    `,
  },
  {
    version: 3,
    name: 'a single-message commit writes only the messages b-trees',
    // See docs/decisions/0007-storage-layout-for-latency.md. A commit used to write five b-tree
    // leaves: the row, the `id` UNIQUE index, the idempotency index, conversations.last_seq and the
    // sender's conversation_members.own_after_read. Now it writes the first and the third only:
    //
    // - `id` is no longer UNIQUE-indexed. Nothing looks a message up by id, and ids are unique by
    //   construction (a random per-process prefix and a counter, see services/message-ids.ts).
    // - conversations.last_seq is dropped: the last seq is the newest row of the conversation's
    //   primary-key range, one b-tree descent away.
    // - sender_count folds a DM's unread counter into the row already written: in a DM, how many
    //   of the messages up to and including this one its sender sent. Every DM message comes from
    //   one of its two members, so a member's own messages up to seq x are sender_count of row x if
    //   they sent it, else x - sender_count; unread = (last - read) - (own(last) - own(read)) reads
    //   the two rows at last and at read. Groups keep own_after_read (0 in groups' rows here; 0
    //   for DM members, who no longer use it).
    //
    // The table is rebuilt (a constraint cannot be dropped in place), keeping every row.
    up: `
      CREATE TABLE messages_v3 (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        id              TEXT NOT NULL,
        sender_id       TEXT NOT NULL,
        client_msg_id   TEXT NOT NULL,
        content         TEXT NOT NULL CHECK (json_valid(content)),
        created_at      INTEGER NOT NULL,
        sender_count    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, seq),
        UNIQUE (conversation_id, sender_id, client_msg_id)
      ) WITHOUT ROWID;
      INSERT INTO messages_v3 (conversation_id, seq, id, sender_id, client_msg_id, content, created_at, sender_count)
        SELECT x.conversation_id, x.seq, x.id, x.sender_id, x.client_msg_id, x.content, x.created_at,
               CASE WHEN c.kind = 'dm'
                 THEN ROW_NUMBER() OVER (PARTITION BY x.conversation_id, x.sender_id ORDER BY x.seq)
                 ELSE 0 END
        FROM messages x LEFT JOIN conversations c ON c.id = x.conversation_id
        ORDER BY x.conversation_id, x.seq;
      DROP TABLE messages;
      ALTER TABLE messages_v3 RENAME TO messages;

      ALTER TABLE conversations DROP COLUMN last_seq;
      UPDATE conversation_members SET own_after_read = 0
      WHERE own_after_read <> 0 AND conversation_id IN (SELECT id FROM conversations WHERE kind = 'dm');
    `,
  },
  {
    version: 4,
    name: 'friendships by peer, for profile fan-out',
    // A profile change is appended to the event log of everyone who has a row about the user
    // (RelationStore.listProfileViewers). Rows are keyed by owner; without this index finding
    // them would scan every friendship. WITHOUT ROWID: the entry is (peer_id, user_id).
    up: `
      CREATE INDEX friendships_by_peer ON friendships (peer_id);
    `,
  },
  {
    version: 5,
    name: 'groups: settings, roles, floors and pending invites and requests',
    // A group IS a conversation (`g:<id>`, kind 'group'): its members are conversation_members
    // rows, so messages, cursors and unread counts work as for DMs. What only groups have:
    //
    // - groups: one row per group, keyed like its conversation. member_count is kept by every
    //   transaction that adds or removes members, so a list shows it and the conversation list
    //   decides whose cursors to include without counting member rows. dissolved_at is set once
    //   and the row stays (history stays readable to no one, ids are never reused). The CHECK on
    //   the id lets readers find a user's groups as the 'g:' range of their memberships. Rows are
    //   read and written by id only (a description is at most 500 characters), so WITHOUT ROWID.
    // - groups_by_owner: countOwnedGroups without a scan. Partial (live groups only) and on a
    //   column that changes only on a transfer or a dissolve, so member_count updates skip it.
    // - conversation_members.role: NULL in DMs; 'owner' | 'admin' | 'member' in groups. floor:
    //   the member reads only seq > floor (0 in DMs). joined_at: when they joined (0 in DMs).
    //   Added columns with constant defaults: existing rows are not rewritten.
    // - conversation_members_admins: listAdminIds reads a handful of entries instead of every
    //   member row of a large group. Partial, so only owners and admins have an entry: it is
    //   written when such a member is added, removed or changes role, never by the message hot
    //   path or a cursor move (they change none of its columns, so SQLite leaves it alone).
    // - listGroupsOf needs no index: conversation_members_by_user holds (user_id,
    //   conversation_id), so a user's groups are its 'g:' range.
    // - group_pending: at most one invite or request per (group, user), clustered by group.
    //   group_pending_by_user serves a user's invites newest first; group_pending_by_kind a
    //   group's invites or requests oldest first, and counts them from the index alone.
    up: `
      CREATE TABLE groups (
        id              TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE CHECK (substr(id, 1, 2) = 'g:'),
        name            TEXT NOT NULL,
        avatar_url      TEXT,
        description     TEXT NOT NULL DEFAULT '',
        join_mode       TEXT NOT NULL CHECK (join_mode IN ('invite', 'request', 'closed')),
        history_visible INTEGER NOT NULL CHECK (history_visible IN (0, 1)),
        owner_id        TEXT NOT NULL,
        member_count    INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        dissolved_at    INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX groups_by_owner ON groups (owner_id) WHERE dissolved_at IS NULL;

      ALTER TABLE conversation_members ADD COLUMN role TEXT CHECK (role IN ('owner', 'admin', 'member'));
      ALTER TABLE conversation_members ADD COLUMN floor INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversation_members ADD COLUMN joined_at INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX conversation_members_admins ON conversation_members (conversation_id, user_id)
        WHERE role IN ('owner', 'admin');

      CREATE TABLE group_pending (
        conversation_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        user_id         TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('invite', 'request')),
        actor_id        TEXT NOT NULL,
        memo            TEXT,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_pending_by_user ON group_pending (user_id, kind, created_at);
      CREATE INDEX group_pending_by_kind ON group_pending (conversation_id, kind, created_at);
    `,
  },
  {
    version: 6,
    name: 'mutations, reactions, mentions and search',
    // See docs/messages.md. Every edit, delete and reaction is an entry of its own in the log (a
    // messages row with a seq, `target` naming the message it changes); the target row is also
    // changed in place (text, edited_at, updated_seq), so pages show messages as they are now.
    //
    // - messages.target: NULL for messages, the target seq for mutation entries. Added columns
    //   with no default: existing rows are not rewritten.
    // - messages_mutations: partial, so only mutation entries have an entry (the text hot path
    //   never writes it): unread leaves out others' entries after the read cursor by counting
    //   this range (covering: sender_id is in it), and a target's edits are found by `target`.
    // - reactions: one row per (message, emoji, user), clustered by message, so a page's reactions
    //   are one range and a message's distinct emoji count one scan of its few rows.
    // - mentions: one row per mentioned member and message, keyed by member first, so a member's
    //   unread mentions in a conversation are one range from their read cursor.
    // - conversations.num: a small integer key per conversation; the search index's rowid is
    //   num * 2^32 + seq, so a hit maps back to its message, a message's entry is found without a
    //   lookup table, and one conversation's entries are one rowid range. indexed_seq: how far the
    //   search indexer got (search-index.ts): it indexes after commits, in batches, so a message
    //   commit writes no index pages; on open it catches up from here (which also fills the index
    //   for messages stored before this version).
    // - message_search: FTS5, contentless (the text lives only in messages, so a delete erases it
    //   once) with secure-delete: an entry is removed with FTS5's 'delete' command and the text it
    //   was indexed with, which takes its tokens out of the index at once (contentless_delete's
    //   tombstones would leave them in place). Tokens: unicode61 over searchText(text).
    up: `
      ALTER TABLE messages ADD COLUMN target INTEGER;
      ALTER TABLE messages ADD COLUMN updated_seq INTEGER;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      CREATE INDEX messages_mutations ON messages (conversation_id, seq, sender_id, target) WHERE target IS NOT NULL;

      CREATE TABLE reactions (
        conversation_id TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        emoji           TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq, emoji, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE mentions (
        user_id         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation_id, seq)
      ) WITHOUT ROWID;

      ALTER TABLE conversations ADD COLUMN num INTEGER;
      ALTER TABLE conversations ADD COLUMN indexed_seq INTEGER NOT NULL DEFAULT 0;
      WITH n AS (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS k FROM conversations)
      UPDATE conversations SET num = n.k FROM n WHERE n.id = conversations.id;
      CREATE UNIQUE INDEX conversations_by_num ON conversations (num);

      CREATE VIRTUAL TABLE message_search USING fts5(body, content = '', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
    `,
  },
  {
    version: 7,
    name: 'attachments',
    // See docs/messages.md#attachments. One row per uploaded file; its bytes are in the blob store
    // under blob_key (and its thumbnail's under thumb_key). seq is NULL until a message claims the
    // file (in the message's own transaction, attachment-claims.ts); expires_at is when an unsent
    // upload is swept. Each index serves one query and holds only what that query reads:
    //
    // - attachments_by_owner: the quota's sum of a user's sizes, read from the index alone.
    // - attachments_unsent: the sweep of expired unsent uploads, oldest first. Partial, so it
    //   holds only unsent rows and a claim removes the row's entry.
    // - attachments_by_message: a deleted message's files. Partial: sent rows only.
    // - attachments_by_blob, attachments_by_thumb: the orphan sweep asks which blob keys a row
    //   still names.
    up: `
      CREATE TABLE attachments (
        id              TEXT PRIMARY KEY,
        owner_id        TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        seq             INTEGER,
        name            TEXT NOT NULL,
        mime            TEXT NOT NULL,
        size            INTEGER NOT NULL CHECK (size > 0),
        width           INTEGER,
        height          INTEGER,
        blob_key        TEXT NOT NULL,
        thumb_key       TEXT,
        created_at      INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX attachments_by_owner ON attachments (owner_id, size);
      CREATE INDEX attachments_unsent ON attachments (expires_at) WHERE seq IS NULL;
      CREATE INDEX attachments_by_message ON attachments (conversation_id, seq) WHERE seq IS NOT NULL;
      CREATE UNIQUE INDEX attachments_by_blob ON attachments (blob_key);
      CREATE UNIQUE INDEX attachments_by_thumb ON attachments (thumb_key) WHERE thumb_key IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: 'presence visibility',
    // See docs/messages.md#presence. users.show_presence: 0 when the user hides their online state
    // and last seen (PATCH /api/me {showPresence:false}). A constant default: existing rows are not
    // rewritten. Presence itself is ephemeral and never stored.
    up: `
      ALTER TABLE users ADD COLUMN show_presence INTEGER NOT NULL DEFAULT 1;
    `,
  },
  {
    version: 9,
    name: 'a journal of open calls',
    // See docs/decisions/0011-call-state.md and store/calls.ts. One row per call in progress, so a
    // call the server was running when it stopped still gets its record at the next start. A row
    // is written when the call starts ringing, updated once when it connects, and deleted in the
    // transaction that appends the call's record. Keyed by call id only (WITHOUT ROWID: one
    // b-tree, one leaf per write); the table holds a handful of rows, so listing it needs no index.
    // No foreign key: it would cost a read of conversations per write, and the record's append
    // already answers for a conversation that is missing.
    up: `
      CREATE TABLE open_calls (
        call_id         TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        caller_id       TEXT NOT NULL,
        callee_id       TEXT NOT NULL,
        audio           INTEGER NOT NULL CHECK (audio IN (0, 1)),
        video           INTEGER NOT NULL CHECK (video IN (0, 1)),
        started_at      INTEGER NOT NULL,
        accepted_at     INTEGER,
        connected_at    INTEGER
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: 'the owner node of each open call',
    // See store/calls.ts (NewOpenCall.ownerNode) and docs/decisions/0011-call-state.md. Each open
    // call names the server node that runs it, so that a node closes only the calls of nodes that
    // are gone, never those a live node still runs. Rows written before this version get '', an id
    // no node has: they can only belong to a run that is over. A constant default: no row is rewritten.
    up: `
      ALTER TABLE open_calls ADD COLUMN owner_node TEXT NOT NULL DEFAULT '';
    `,
  },
];

/** The schema version a fully migrated database reports in `PRAGMA user_version`. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings `db` up to {@link LATEST_SCHEMA_VERSION}, one transaction per step, so a crash
 * mid-migration leaves the database at the previous version. Refuses a database written by
 * a newer server rather than guessing at its schema. Safe when several processes open one file
 * at once: each step is applied by whichever gets the write lock first, and skipped by the others.
 */
export function migrate(db: Database.Database): void {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const current = version();
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this server supports (${LATEST_SCHEMA_VERSION})`);
  }
  for (const step of MIGRATIONS) {
    if (step.version <= current) continue;
    db.transaction(() => {
      // Read again under the write lock: another process opening the same file at the same time
      // (shared-writer mode) may have applied this step while this one waited for the lock.
      if (version() >= step.version) return;
      db.exec(step.up);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}
