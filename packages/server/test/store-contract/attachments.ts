import { describe, expect, it } from 'vitest';
import type { NewUpload } from '../../src/store/types.js';
import { A, AB, B, useStore, type OpenStore } from './support.js';

/** An unsent upload of `ownerId` to {@link AB} with blob keys derived from its id. */
const upload = (id: string, ownerId = A, size = 100, expiresAt = 10_000, image = false): NewUpload => ({
  id,
  ownerId,
  conversationId: AB,
  name: `${id}.${image ? 'png' : 'pdf'}`,
  mime: image ? 'image/png' : 'application/pdf',
  size,
  width: image ? 640 : null,
  height: image ? 480 : null,
  blobKey: `blob_${id}`,
  thumbKey: image ? `thumb_${id}` : null,
  createdAt: 1000,
  expiresAt,
});

/** The {@link AttachmentStore} part of the contract. */
export function attachmentStoreContract(open: OpenStore): void {
  describe('attachments', () => {
    const t = useStore(open);

    it('stores unsent uploads and reads them back, across a restart', async () => {
      expect(await t.store.insertUpload(upload('f_one', A, 100, 10_000, true), 1000)).toBe(true);
      expect(await t.store.insertUpload(upload('f_two'), 1000)).toBe(true);
      const store = await t.reopen();
      expect(await store.getAttachment('f_one')).toEqual({ ...upload('f_one', A, 100, 10_000, true), seq: null });
      expect(await store.getAttachment('f_two')).toEqual({ ...upload('f_two'), seq: null });
      expect(await store.getAttachment('f_missing')).toBeNull();
    });

    it('counts each owner’s stored bytes, and refuses (writing nothing) an upload past the quota', async () => {
      const { store } = t;
      expect(await store.storedBytesOf(A)).toBe(0);
      expect(await store.insertUpload(upload('f_1', A, 600), 1000)).toBe(true);
      expect(await store.insertUpload(upload('f_2', A, 401), 1000)).toBe(false);
      expect(await store.getAttachment('f_2')).toBeNull();
      expect(await store.insertUpload(upload('f_3', A, 400), 1000)).toBe(true);
      expect(await store.insertUpload(upload('f_4', B, 1000), 1000)).toBe(true);
      expect([await store.storedBytesOf(A), await store.storedBytesOf(B)]).toEqual([1000, 1000]);
    });

    it('concurrent uploads cannot overshoot the quota together', async () => {
      const { store } = t;
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.insertUpload(upload(`f_c${i}`, A, 300), 1000)));
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await store.storedBytesOf(A)).toBe(900);
    });

    it('deletes an unsent upload only for its owner, returning its blob keys once', async () => {
      const { store } = t;
      await store.insertUpload(upload('f_img', A, 100, 10_000, true), 1000);
      expect(await store.deleteUpload('f_img', B)).toBeNull();
      expect(await store.deleteUpload('f_missing', A)).toBeNull();
      expect(await store.deleteUpload('f_img', A)).toEqual(['blob_f_img', 'thumb_f_img']);
      expect(await store.deleteUpload('f_img', A)).toBeNull();
      expect(await store.getAttachment('f_img')).toBeNull();
      expect(await store.storedBytesOf(A)).toBe(0);
    });

    it('deletes expired unsent uploads oldest first, in batches, with their blob keys', async () => {
      const { store } = t;
      await store.insertUpload(upload('f_late', A, 10, 3000), 1000);
      await store.insertUpload(upload('f_early', B, 10, 1000, true), 1000);
      await store.insertUpload(upload('f_mid', A, 10, 2000), 1000);
      await store.insertUpload(upload('f_future', A, 10, 9000), 1000);
      expect(await store.deleteExpiredUploads(999, 10)).toEqual({ deleted: 0, blobKeys: [] });
      expect(await store.deleteExpiredUploads(3000, 2)).toEqual({ deleted: 2, blobKeys: ['blob_f_early', 'thumb_f_early', 'blob_f_mid'] });
      expect(await store.deleteExpiredUploads(3000, 2)).toEqual({ deleted: 1, blobKeys: ['blob_f_late'] });
      expect(await store.deleteExpiredUploads(3000, 2)).toEqual({ deleted: 0, blobKeys: [] });
      expect(await store.getAttachment('f_future')).not.toBeNull();
    });

    it('says which blob keys some row names, as original or thumbnail', async () => {
      const { store } = t;
      await store.insertUpload(upload('f_a', A, 10, 10_000, true), 1000);
      await store.insertUpload(upload('f_b'), 1000);
      expect(await store.referencedBlobKeys([])).toEqual(new Set());
      expect(await store.referencedBlobKeys(['blob_f_a', 'thumb_f_a', 'blob_f_b', 'thumb_f_b', 'orphan'])).toEqual(new Set(['blob_f_a', 'thumb_f_a', 'blob_f_b']));
    });
  });
}
