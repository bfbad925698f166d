import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/** A new opaque refresh token (256 random bits). Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a refresh token: what the store keeps and looks up. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time: one `randomFillSync` serves a
 * few hundred ids instead of one `randomBytes` call (and Buffer) per message. Each byte is used
 * once, so ids stay exactly as random, and as unique across processes and restarts, as before.
 */
const idPool = Buffer.allocUnsafe(4096);
let idPoolOffset = idPool.length;

/** A random id with a prefix, e.g. `u_…` for users, `m_…` for messages: `bytes` random bytes, base64url. */
export function newId(prefix: string, bytes = 12): string {
  if (bytes > idPool.length) return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
  if (idPoolOffset + bytes > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const id = idPool.toString('base64url', idPoolOffset, idPoolOffset + bytes);
  idPoolOffset += bytes;
  return `${prefix}_${id}`;
}
