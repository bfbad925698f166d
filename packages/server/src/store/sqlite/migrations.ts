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
];

/** The schema version a fully migrated database reports in `PRAGMA user_version`. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings `db` up to {@link LATEST_SCHEMA_VERSION}, one transaction per step, so a crash
 * mid-migration leaves the database at the previous version. Refuses a database written by
 * a newer server rather than guessing at its schema.
 */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this server supports (${LATEST_SCHEMA_VERSION})`);
  }
  for (const step of MIGRATIONS) {
    if (step.version <= current) continue;
    db.transaction(() => {
      db.exec(step.up);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}
