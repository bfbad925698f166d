import { randomBytes } from 'node:crypto';

/**
 * A random id with a prefix, e.g. `u_…` for users and `f_…` for refresh-token families
 * (96 random bits by default, base64url). Message ids have their own cheaper generator in
 * `services/message-ids.ts`.
 */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
