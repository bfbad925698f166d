/**
 * The users part of the storage seam: accounts and profiles. Composed into `Store`
 * (see `types.ts`); a backend implements it alongside the other parts, and the contract suite
 * (`test/store-contract/users.ts`) proves it on its own.
 */

/** Users: built-in accounts and bring-your-own-identity users, and their profiles. */
export interface UserStore {
  /** Creates a user. Throws {@link HandleTakenError} when `handle` is already used, so sign-up can say so. */
  createUser(user: NewUser): Promise<UserRecord>;
  /**
   * Inserts a bring-your-own-identity user if absent; returns the stored record either way, so
   * the first sign-in provisions the user and later ones never overwrite the profile.
   */
  upsertExternalUser(user: NewExternalUser): Promise<UserRecord>;
  /** One user by id, or null when missing. */
  getUser(id: string): Promise<UserRecord | null>;
  /** Several users in one call (profiles for a list). Missing ids are omitted; order is unspecified. */
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** One user by handle, for login and lookup. `handle` must already be lower-case. */
  getUserByHandle(handle: string): Promise<UserRecord | null>;
  /** Applies a partial profile update; returns the new record, or null when the user is missing. */
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null>;
  /**
   * Those of `ids` who hide their presence (`showPresence: false`, set with {@link updateProfile});
   * everyone else, including ids of nobody, shows it. One read for a whole list of watched users.
   */
  listPresenceHidden(ids: readonly string[]): Promise<string[]>;
}

/** Thrown by {@link UserStore.createUser} when the handle is in use (the service maps it to a conflict). */
export class HandleTakenError extends Error {
  constructor(readonly handle: string) {
    super(`handle "${handle}" is taken`);
    this.name = 'HandleTakenError';
  }
}

/** A user as stored. `passwordHash` never leaves the server. */
export interface UserRecord {
  id: string;
  /** Lower-case; null for bring-your-own-identity users. */
  handle: string | null;
  displayName: string;
  avatarUrl: string | null;
  signature: string;
  /** argon2id PHC string; null for external users. */
  passwordHash: string | null;
  createdAt: number;
}

/** A built-in account to create; the profile starts with no avatar and an empty signature. */
export interface NewUser {
  id: string;
  /** Lower-case and unique. */
  handle: string;
  displayName: string;
  /** argon2id PHC string, already hashed by the caller. */
  passwordHash: string;
  createdAt: number;
}

/** A bring-your-own-identity user, as first seen in a host app's token; it has no handle and no password. */
export interface NewExternalUser {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  createdAt: number;
}

/** A partial profile update: absent fields are left as they are; `avatarUrl: null` clears the avatar. */
export interface ProfilePatch {
  displayName?: string;
  avatarUrl?: string | null;
  signature?: string;
  /** False hides the user's online state and last seen from everyone; true (the default) shows them to friends and group co-members. */
  showPresence?: boolean;
}
