import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord } from '../../src/store/types.js';
import { A, useStore, type OpenStore } from './support.js';

/** The {@link TokenStore} part of the contract. */
export function tokenStoreContract(open: OpenStore): void {
  describe('refresh tokens', () => {
    const t = useStore(open);
    const token = (tokenHash: string, familyId = 'fam1'): RefreshTokenRecord => ({
      tokenHash, familyId, userId: A, createdAt: 10, expiresAt: 10_000, usedAt: null, revokedAt: null,
    });

    it('stores and looks up tokens by hash', async () => {
      const { store } = t;
      await store.insertRefreshToken(token('h1'));
      expect(await store.getRefreshToken('h1')).toEqual(token('h1'));
      expect(await store.getRefreshToken('h_missing')).toBeNull();
    });

    it('rotates a token exactly once', async () => {
      const { store } = t;
      await store.insertRefreshToken(token('h1'));
      expect(await store.rotateRefreshToken('h1', token('h2'), 50)).toBe(true);
      expect(await store.getRefreshToken('h1')).toEqual({ ...token('h1'), usedAt: 50 });
      expect(await store.getRefreshToken('h2')).toEqual(token('h2'));
      expect(await store.rotateRefreshToken('h1', token('h3'), 60)).toBe(false);
      expect(await store.getRefreshToken('h3')).toBeNull();
      expect((await store.getRefreshToken('h1'))?.usedAt).toBe(50);
      expect(await store.rotateRefreshToken('h_missing', token('h4'), 60)).toBe(false);
      expect(await store.getRefreshToken('h4')).toBeNull();
    });

    it('revokes a whole family, idempotently, and refuses to rotate revoked tokens', async () => {
      const { store } = t;
      await store.insertRefreshToken(token('h1'));
      await store.rotateRefreshToken('h1', token('h2'), 20);
      await store.insertRefreshToken(token('o1', 'fam2'));
      expect(await store.isRefreshFamilyRevoked('fam1')).toBe(false);
      expect(await store.isRefreshFamilyRevoked('fam_unknown')).toBe(false);
      await store.revokeRefreshFamily('fam1', 30);
      await store.revokeRefreshFamily('fam1', 40);
      expect(await store.isRefreshFamilyRevoked('fam1')).toBe(true);
      expect((await store.getRefreshToken('h1'))?.revokedAt).toBe(30);
      expect((await store.getRefreshToken('h2'))?.revokedAt).toBe(30);
      expect(await store.rotateRefreshToken('h2', token('h3'), 50)).toBe(false);
      expect(await store.getRefreshToken('h3')).toBeNull();
      expect(await store.isRefreshFamilyRevoked('fam2')).toBe(false);
      expect((await store.getRefreshToken('o1'))?.revokedAt).toBeNull();
    });
  });
}
