import argon2 from 'argon2';

/**
 * argon2id at OWASP's minimum recommended cost (19 MiB, 2 iterations, parallelism 1).
 * The parameters are embedded in each hash, so raising them later only affects new hashes.
 */
export const PASSWORD_HASH_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password into a PHC string (`$argon2id$v=19$m=19456,p=1,t=2$…`; params in the library's order). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_PARAMS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With `hash === null` (unknown user) it still spends the same work
 * against a dummy hash, so response time does not reveal which handles exist.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= hashPassword('quickchat-dummy-password');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
