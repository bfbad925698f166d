import mongoose from 'mongoose';

/*
 * Every value that reaches a MongoDB query goes through here first.
 *
 * Two layers keep operator injection out (see README "Injection defenses"):
 *
 * 1. Validation: each method checks its inputs with {@link str}, {@link int} and friends before it
 *    builds a filter, so a value that should be a string but is an object (`{ $ne: null }`) or
 *    anything else is refused with a TypeError, before any query is sent.
 * 2. `sanitizeFilter` (on for the store's connection): mongoose wraps every object in a filter whose
 *    keys start with `$` in `$eq`, so even a value that slipped past validation is compared as a
 *    literal, never read as an operator. The store's own operators ($gt, $in, ...) are the only ones
 *    that survive, because they are built here and marked with `mongoose.trusted()`.
 *
 * The builders are pure functions, so the no-server tests check them directly.
 */

/** Thrown for an input of the wrong type (an object where a string belongs, a fraction for a seq...). */
export class StoreInputError extends TypeError {
  constructor(what: string, value: unknown) {
    super(`${what} must be ${describeExpected(what)}, got ${value === null ? 'null' : typeof value}`);
    this.name = 'StoreInputError';
  }
}

function describeExpected(what: string): string {
  return what.endsWith('[]') ? 'an array of strings' : what.startsWith('#') ? 'a safe integer' : 'a string';
}

/** `value` if it is a string (a primitive: never an object, so never an operator), else throws. */
export function str(value: unknown, what = 'value'): string {
  if (typeof value !== 'string') throw new StoreInputError(what, value);
  return value;
}

/** `value` if it is a string or null, else throws. */
export function strOrNull(value: unknown, what = 'value'): string | null {
  return value === null ? null : str(value, what);
}

/** `value` if it is a safe integer (seqs, times, sizes, limits), else throws. */
export function int(value: unknown, what = 'number'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new StoreInputError(`#${what}`, value);
  return value;
}

/** `value` if it is a finite number (time windows may be fractional), else throws. */
export function num(value: unknown, what = 'number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new StoreInputError(`#${what}`, value);
  return value;
}

/** `value` if it is a boolean, else throws. */
export function bool(value: unknown, what = 'flag'): boolean {
  if (typeof value !== 'boolean') throw new StoreInputError(what, value);
  return value;
}

/** A copy of `values` if every item is a string, else throws. */
export function strs(values: unknown, what = 'ids'): string[] {
  if (!Array.isArray(values)) throw new StoreInputError(`${what}[]`, values);
  return values.map((v: unknown) => str(v, `${what}[]`));
}

/** One of `allowed`, else throws (roles, kinds, statuses). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  const s = str(value, what);
  if (!(allowed as readonly string[]).includes(s)) throw new StoreInputError(`${what} (one of ${allowed.join(', ')})`, value);
  return s as T;
}

/* Trusted operators: the only `$` keys a filter built by the store may hold. */

/** `{ $gt: n }`, trusted. */
export const gt = (n: number) => mongoose.trusted({ $gt: int(n) });
/** `{ $lt: n }`, trusted. */
export const lt = (n: number) => mongoose.trusted({ $lt: int(n) });
/** `{ $lte: n }`, trusted. */
export const lte = (n: number) => mongoose.trusted({ $lte: int(n) });
/** `lo < x < hi`, trusted. */
export const between = (lo: number, hi: number) => mongoose.trusted({ $gt: int(lo), $lt: int(hi) });
/** `lo < x <= hi`, trusted. */
export const aboveUpTo = (lo: number, hi: number) => mongoose.trusted({ $gt: int(lo), $lte: int(hi) });
/** `{ $ne: s }` for a string, trusted. */
export const ne = (s: string) => mongoose.trusted({ $ne: str(s) });
/** `{ $ne: null }`, trusted. */
export const notNull = () => mongoose.trusted({ $ne: null });
/** `{ $in: list }` of strings, trusted. */
export const inStrings = <T extends string>(list: readonly T[]) => mongoose.trusted({ $in: strs(list) as T[] });
/** `{ $gt: s }` for a string (paging by id), trusted. */
export const after = (s: string) => mongoose.trusted({ $gt: str(s) });
/** `{ $in: list }` of integers, trusted. */
export const inInts = (list: readonly number[]) => mongoose.trusted({ $in: list.map((n) => int(n)) });
/** `{ $all: list }` of strings (search terms), trusted. */
export const all = (list: readonly string[]) => mongoose.trusted({ $all: strs(list, 'terms') });
/** Mutation entries only: `target` is a seq (the same predicate as the `messages_mutations` partial index, so it is used). */
export const isMutation = () => mongoose.trusted({ $gte: 0 });

/** Filters the store builds from caller input, as pure functions (tested without a server). */
export const filters = {
  /** A user by id. */
  user: (id: string) => ({ _id: str(id, 'user id') }),
  /** A user by lower-case handle. */
  userByHandle: (handle: string) => ({ handle: str(handle, 'handle') }),
  /** A conversation by id. */
  conversation: (id: string) => ({ _id: str(id, 'conversation id') }),
  /** One member row. */
  member: (conversationId: string, userId: string) => ({ conversationId: str(conversationId, 'conversation id'), userId: str(userId, 'user id') }),
  /** The idempotency key of a message. */
  clientMsg: (conversationId: string, senderId: string, clientMsgId: string) => ({
    conversationId: str(conversationId, 'conversation id'),
    senderId: str(senderId, 'sender id'),
    clientMsgId: str(clientMsgId, 'clientMsgId'),
  }),
  /** One message by seq. */
  messageAt: (conversationId: string, seq: number) => ({ conversationId: str(conversationId, 'conversation id'), seq: int(seq, 'seq') }),
  /** A refresh token by hash. */
  token: (tokenHash: string) => ({ _id: str(tokenHash, 'token hash') }),
  /** A token that may still be rotated. */
  unusedToken: (tokenHash: string) => ({ _id: str(tokenHash, 'token hash'), usedAt: null, revokedAt: null }),
  /** One side of a relation. */
  friendship: (userId: string, peerId: string) => ({ userId: str(userId, 'user id'), peerId: str(peerId, 'peer id') }),
  /** One block. */
  block: (blockerId: string, blockedId: string) => ({ blockerId: str(blockerId, 'blocker id'), blockedId: str(blockedId, 'blocked id') }),
  /** A group by its conversation id. */
  group: (id: string) => ({ _id: str(id, 'group id') }),
  /** One pending entry. */
  pending: (conversationId: string, userId: string) => ({ conversationId: str(conversationId, 'conversation id'), userId: str(userId, 'user id') }),
  /** A file by id. */
  attachment: (id: string) => ({ _id: str(id, 'attachment id') }),
  /** An unsent upload of its owner. */
  unsentUpload: (id: string, ownerId: string) => ({ _id: str(id, 'attachment id'), ownerId: str(ownerId, 'owner id'), seq: null }),
  /** An open call by id. */
  call: (callId: string) => ({ _id: str(callId, 'call id') }),
};
