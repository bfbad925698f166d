import type { RefreshTokenRecord, TokenStore } from '@quickchat/server';
import type { Ctx } from './context.js';
import { filters, int, notNull, str } from './filters.js';
import type { TokenDoc } from './schemas.js';

function toToken(d: TokenDoc): RefreshTokenRecord {
  return { tokenHash: d._id, familyId: d.familyId, userId: d.userId, createdAt: d.createdAt, expiresAt: d.expiresAt, usedAt: d.usedAt, revokedAt: d.revokedAt };
}

function fromToken(t: RefreshTokenRecord): TokenDoc {
  return {
    _id: str(t.tokenHash, 'token hash'),
    familyId: str(t.familyId, 'family id'),
    userId: str(t.userId, 'user id'),
    createdAt: int(t.createdAt, 'createdAt'),
    expiresAt: int(t.expiresAt, 'expiresAt'),
    usedAt: t.usedAt === null ? null : int(t.usedAt, 'usedAt'),
    revokedAt: t.revokedAt === null ? null : int(t.revokedAt, 'revokedAt'),
  };
}

/**
 * {@link TokenStore} on MongoDB. Rotation (mark used, insert next) and family revocation are
 * transactions; both write the old token's document, so a rotation racing a revocation or another
 * rotation of the same token is a write conflict and runs again after it: a token rotates once, and
 * a revoked family gets no new token.
 */
export class MongoTokens implements TokenStore {
  constructor(private readonly ctx: Ctx) {}

  async insertRefreshToken(token: RefreshTokenRecord): Promise<void> {
    await this.ctx.models.tokens.insertMany([fromToken(token)]);
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const doc = await this.ctx.models.tokens.findOne(filters.token(tokenHash)).lean<TokenDoc>();
    return doc ? toToken(doc) : null;
  }

  async rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean> {
    const filter = filters.unusedToken(oldHash);
    const doc = fromToken(next);
    const at = int(now, 'now');
    return this.ctx.transact(async (s) => {
      const marked = await this.ctx.models.tokens.updateOne(filter, { $set: { usedAt: at } }, { session: s });
      if (marked.modifiedCount === 0) return false;
      await this.ctx.models.tokens.insertMany([doc], { session: s });
      return true;
    });
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    const filter = { familyId: str(familyId, 'family id'), revokedAt: null };
    const at = int(now, 'now');
    await this.ctx.transact(async (s) => {
      await this.ctx.models.tokens.updateMany(filter, { $set: { revokedAt: at } }, { session: s });
    });
  }

  async isRefreshFamilyRevoked(familyId: string): Promise<boolean> {
    const revoked = await this.ctx.models.tokens.exists({ familyId: str(familyId, 'family id'), revokedAt: notNull() });
    return revoked !== null;
  }
}
