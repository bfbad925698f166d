import { HandleTakenError, type NewExternalUser, type NewUser, type ProfilePatch, type UserRecord, type UserStore } from '@quickchat/server';
import { isDuplicateKey } from './connection.js';
import type { Ctx } from './context.js';
import { bool, filters, inStrings, int, str, strOrNull, strs } from './filters.js';
import type { UserDoc } from './schemas.js';

function toUser(d: UserDoc): UserRecord {
  return { id: d._id, handle: d.handle, displayName: d.displayName, avatarUrl: d.avatarUrl, signature: d.signature, passwordHash: d.passwordHash, createdAt: d.createdAt };
}

/**
 * {@link UserStore} on MongoDB: every method is one single-document operation, atomic by itself,
 * so none needs a transaction. Handles are unique through the `users_by_handle` index (a race of
 * two sign-ups is decided by it: the loser gets {@link HandleTakenError}); an external user is an
 * upsert with `$setOnInsert`, so the first sign-in provisions and later ones change nothing.
 */
export class MongoUsers implements UserStore {
  constructor(private readonly ctx: Ctx) {}

  async createUser(user: NewUser): Promise<UserRecord> {
    const doc: UserDoc = {
      _id: str(user.id, 'user id'),
      handle: str(user.handle, 'handle'),
      displayName: str(user.displayName, 'display name'),
      avatarUrl: null,
      signature: '',
      passwordHash: str(user.passwordHash, 'password hash'),
      createdAt: int(user.createdAt, 'createdAt'),
      showPresence: true,
    };
    try {
      await this.ctx.models.users.insertMany([doc]);
    } catch (err) {
      if (isDuplicateKey(err) && err.message.includes('users_by_handle')) throw new HandleTakenError(user.handle);
      throw err;
    }
    return toUser(doc);
  }

  async upsertExternalUser(user: NewExternalUser): Promise<UserRecord> {
    const filter = filters.user(user.id);
    const fresh = {
      handle: null,
      displayName: str(user.displayName, 'display name'),
      avatarUrl: strOrNull(user.avatarUrl, 'avatar url'),
      signature: '',
      passwordHash: null,
      createdAt: int(user.createdAt, 'createdAt'),
      showPresence: true,
    };
    try {
      await this.ctx.models.users.updateOne(filter, { $setOnInsert: fresh }, { upsert: true });
    } catch (err) {
      // Two first sign-ins at once: the other one inserted it, which is all this wanted.
      if (!isDuplicateKey(err)) throw err;
    }
    const doc = await this.ctx.models.users.findOne(filter).lean<UserDoc>();
    if (!doc) throw new Error(`external user ${filter._id} was neither inserted nor found`);
    return toUser(doc);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const doc = await this.ctx.models.users.findOne(filters.user(id)).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const list = strs(ids, 'user ids');
    if (list.length === 0) return [];
    return (await this.ctx.models.users.find({ _id: inStrings(list) }).lean<UserDoc[]>()).map(toUser);
  }

  async getUserByHandle(handle: string): Promise<UserRecord | null> {
    const doc = await this.ctx.models.users.findOne(filters.userByHandle(handle)).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null> {
    const filter = filters.user(id);
    const set: Partial<Pick<UserDoc, 'displayName' | 'avatarUrl' | 'signature' | 'showPresence'>> = {};
    if (patch.displayName !== undefined) set.displayName = str(patch.displayName, 'display name');
    if (patch.avatarUrl !== undefined) set.avatarUrl = strOrNull(patch.avatarUrl, 'avatar url');
    if (patch.signature !== undefined) set.signature = str(patch.signature, 'signature');
    if (patch.showPresence !== undefined) set.showPresence = bool(patch.showPresence, 'showPresence');
    const { users } = this.ctx.models;
    const doc = Object.keys(set).length === 0 ? await users.findOne(filter).lean<UserDoc>() : await users.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' }).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async listPresenceHidden(ids: readonly string[]): Promise<string[]> {
    const list = strs(ids, 'user ids');
    if (list.length === 0) return [];
    const docs = await this.ctx.models.users.find({ _id: inStrings(list), showPresence: false }, { _id: 1 }).lean<Pick<UserDoc, '_id'>[]>();
    return docs.map((d) => d._id);
  }
}
