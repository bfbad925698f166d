import { describe, expect, it } from 'vitest';
import { HandleTakenError } from '../../src/store/types.js';
import { A, B, useStore, type OpenStore } from './support.js';

/** The {@link UserStore} part of the contract. */
export function userStoreContract(open: OpenStore): void {
  describe('users', () => {
    const t = useStore(open);

    it('creates a user and reads it back by id and handle', async () => {
      const { store } = t;
      const created = await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: '$argon2id$x', createdAt: 5 });
      const expected = { id: A, handle: 'alice', displayName: 'Alice', avatarUrl: null, signature: '', passwordHash: '$argon2id$x', createdAt: 5 };
      expect(created).toEqual(expected);
      expect(await store.getUser(A)).toEqual(expected);
      expect(await store.getUserByHandle('alice')).toEqual(expected);
      expect(await store.getUser('u_missing')).toBeNull();
      expect(await store.getUserByHandle('nobody')).toBeNull();
    });

    it('rejects a taken handle with HandleTakenError and keeps the first owner', async () => {
      const { store } = t;
      await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h1', createdAt: 1 });
      const err = await store.createUser({ id: B, handle: 'alice', displayName: 'Bob', passwordHash: 'h2', createdAt: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HandleTakenError);
      expect((err as HandleTakenError).handle).toBe('alice');
      expect(await store.getUser(B)).toBeNull();
      expect((await store.getUserByHandle('alice'))?.id).toBe(A);
    });

    it('upserts an external user once and returns the stored record on repeat', async () => {
      const { store } = t;
      const first = await store.upsertExternalUser({ id: 'ext:1', displayName: 'Ext', avatarUrl: 'https://x/a.png', createdAt: 7 });
      expect(first).toEqual({ id: 'ext:1', handle: null, displayName: 'Ext', avatarUrl: 'https://x/a.png', signature: '', passwordHash: null, createdAt: 7 });
      const again = await store.upsertExternalUser({ id: 'ext:1', displayName: 'Changed', avatarUrl: null, createdAt: 99 });
      expect(again).toEqual(first);
      expect(await store.getUser('ext:1')).toEqual(first);
    });

    it('applies partial profile patches and returns null for a missing user', async () => {
      const { store } = t;
      await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h', createdAt: 1 });
      const p1 = await store.updateProfile(A, { displayName: 'Al', avatarUrl: 'https://x/p.png' });
      expect(p1).toMatchObject({ displayName: 'Al', avatarUrl: 'https://x/p.png', signature: '', handle: 'alice', passwordHash: 'h' });
      const p2 = await store.updateProfile(A, { signature: 'hi' });
      expect(p2).toMatchObject({ displayName: 'Al', avatarUrl: 'https://x/p.png', signature: 'hi' });
      const p3 = await store.updateProfile(A, { avatarUrl: null });
      expect(p3).toMatchObject({ displayName: 'Al', avatarUrl: null, signature: 'hi' });
      expect(await store.getUser(A)).toEqual(p3);
      expect(await store.updateProfile('u_missing', { displayName: 'x' })).toBeNull();
    });

    it('stores showPresence with the profile and lists who hides it', async () => {
      const { store } = t;
      await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h', createdAt: 1 });
      await store.upsertExternalUser({ id: B, displayName: 'Bob', avatarUrl: null, createdAt: 2 });
      expect(await store.listPresenceHidden([A, B, 'u_missing'])).toEqual([]);
      expect(await store.updateProfile(A, { showPresence: false })).toMatchObject({ displayName: 'Alice' });
      expect(await store.listPresenceHidden([A, B, 'u_missing'])).toEqual([A]);
      await store.updateProfile(A, { displayName: 'Al' });
      expect(await store.listPresenceHidden([A])).toEqual([A]);
      await store.updateProfile(A, { showPresence: true });
      expect(await store.listPresenceHidden([A, B])).toEqual([]);
      expect(await store.listPresenceHidden([])).toEqual([]);
    });

    it('getUsers returns the existing users and omits missing ids', async () => {
      const { store } = t;
      await store.createUser({ id: A, handle: 'alice', displayName: 'Alice', passwordHash: 'h', createdAt: 1 });
      await store.upsertExternalUser({ id: B, displayName: 'Bob', avatarUrl: null, createdAt: 2 });
      const users = await store.getUsers([B, 'u_missing', A]);
      expect(users.map((u) => u.id).sort()).toEqual([A, B]);
      expect(users.find((u) => u.id === B)?.displayName).toBe('Bob');
      expect(await store.getUsers([])).toEqual([]);
      expect(await store.getUsers(['nope'])).toEqual([]);
    });
  });
}
