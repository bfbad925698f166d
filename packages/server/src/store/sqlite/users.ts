import Database from 'better-sqlite3';
import { HandleTakenError } from '../types.js';
import type { NewExternalUser, NewUser, ProfilePatch, UserRecord, UserStore } from '../types.js';
import { toUser, USER_COLS, type UserRow } from './rows.js';

type ProfileParams = { id: string; displayName: string | null; setAvatar: number; avatarUrl: string | null; signature: string | null; showPresence: number | null };

function prepare(db: Database.Database) {
  return {
    insertUser: db.prepare<[UserRow]>(
      `INSERT INTO users (${USER_COLS}) VALUES (@id, @handle, @display_name, @avatar_url, @signature, @password_hash, @created_at)`,
    ),
    insertExternalUser: db.prepare<[UserRow]>(
      `INSERT INTO users (${USER_COLS}) VALUES (@id, @handle, @display_name, @avatar_url, @signature, @password_hash, @created_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    userById: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = ?`),
    usersByIds: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE id IN (SELECT value FROM json_each(?))`),
    userByHandle: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE handle = ?`),
    updateProfile: db.prepare<[ProfileParams], UserRow>(
      `UPDATE users SET
         display_name = COALESCE(@displayName, display_name),
         avatar_url = CASE WHEN @setAvatar THEN @avatarUrl ELSE avatar_url END,
         signature = COALESCE(@signature, signature),
         show_presence = COALESCE(@showPresence, show_presence)
       WHERE id = @id RETURNING ${USER_COLS}`,
    ),
    presenceHidden: db.prepare<[string], string>('SELECT id FROM users WHERE show_presence = 0 AND id IN (SELECT value FROM json_each(?))').pluck(),
  };
}

/** {@link UserStore} on SQLite: one statement per method, so each is atomic. */
export class SqliteUsers implements UserStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    const { id, handle } = user;
    const row: UserRow = { id, handle, display_name: user.displayName, avatar_url: null, signature: '', password_hash: user.passwordHash, created_at: user.createdAt };
    try {
      this.s.insertUser.run(row);
    } catch (err) {
      if (isUniqueViolation(err, 'users.handle')) throw new HandleTakenError(user.handle);
      throw err;
    }
    return toUser(row);
  }

  async upsertExternalUser(user: NewExternalUser): Promise<UserRecord> {
    const { id, displayName: display_name, avatarUrl: avatar_url, createdAt: created_at } = user;
    this.s.insertExternalUser.run({ id, handle: null, display_name, avatar_url, signature: '', password_hash: null, created_at });
    return toUser(this.s.userById.get(user.id)!);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.s.userById.get(id);
    return row ? toUser(row) : null;
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    return this.s.usersByIds.all(JSON.stringify(ids)).map(toUser);
  }

  async getUserByHandle(handle: string): Promise<UserRecord | null> {
    const row = this.s.userByHandle.get(handle);
    return row ? toUser(row) : null;
  }

  async updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null> {
    const row = this.s.updateProfile.get({
      id,
      displayName: patch.displayName ?? null,
      setAvatar: patch.avatarUrl !== undefined ? 1 : 0,
      avatarUrl: patch.avatarUrl ?? null,
      signature: patch.signature ?? null,
      showPresence: patch.showPresence === undefined ? null : Number(patch.showPresence),
    });
    return row ? toUser(row) : null;
  }

  async listPresenceHidden(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.s.presenceHidden.all(JSON.stringify(ids));
  }
}

function isUniqueViolation(err: unknown, column: string): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.message.includes(column);
}
