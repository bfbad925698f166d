import type Database from 'better-sqlite3';
import type { RefreshTokenRecord, TokenStore } from '../types.js';
import { fromToken, toToken, type TokenRow } from './rows.js';

function prepare(db: Database.Database) {
  return {
    insertToken: db.prepare<[TokenRow]>(
      `INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, used_at, revoked_at)
       VALUES (@token_hash, @family_id, @user_id, @created_at, @expires_at, @used_at, @revoked_at)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
    markTokenUsed: db.prepare<[number, string]>(
      'UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL',
    ),
    revokeFamily: db.prepare<[number, string]>('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL'),
    familyRevoked: db
      .prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ? AND revoked_at IS NOT NULL)')
      .pluck(),
  };
}

/**
 * {@link TokenStore} on SQLite. Rotation is one IMMEDIATE transaction (mark used, insert next),
 * so two concurrent uses of one token cannot both succeed.
 */
export class SqliteTokens implements TokenStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly rotateTx: Database.Transaction<(oldHash: string, next: RefreshTokenRecord, now: number) => boolean>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.rotateTx = db.transaction((oldHash: string, next: RefreshTokenRecord, now: number) => {
      if (this.s.markTokenUsed.run(now, oldHash).changes === 0) return false;
      this.s.insertToken.run(fromToken(next));
      return true;
    });
  }

  async insertRefreshToken(token: RefreshTokenRecord): Promise<void> {
    this.s.insertToken.run(fromToken(token));
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const row = this.s.tokenByHash.get(tokenHash);
    return row ? toToken(row) : null;
  }

  async rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean> {
    return this.rotateTx.immediate(oldHash, next, now);
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    this.s.revokeFamily.run(now, familyId);
  }

  async isRefreshFamilyRevoked(familyId: string): Promise<boolean> {
    return this.s.familyRevoked.get(familyId) === 1;
  }
}
