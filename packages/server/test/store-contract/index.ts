import { describe, expect, it } from 'vitest';
import { conversationStoreContract } from './conversations.js';
import { groupStoreContract } from './groups.js';
import { relationStoreContract } from './relations.js';
import { tokenStoreContract } from './tokens.js';
import { userStoreContract } from './users.js';
import { searchStoreContract } from './search.js';
import { attachmentStoreContract } from './attachments.js';
import { callJournalStoreContract } from './calls.js';
import { useStore, type OpenStore } from './support.js';

export type { OpenedStore, OpenStore } from './support.js';
export { attachmentStoreContract, callJournalStoreContract, conversationStoreContract, groupStoreContract, relationStoreContract, searchStoreContract, tokenStoreContract, userStoreContract };

/**
 * The behaviour every {@link Store} implementation must share, as one vitest suite: one part per
 * entity interface (users, tokens, relations, conversations, groups, search, attachments, the call
 * journal), each of which can also run on its own, so a new backend (e.g. MongoDB) is built and
 * proven part by part. Every test gets a fresh store from `open`.
 */
export function runStoreContract(name: string, open: OpenStore): void {
  describe(`Store contract: ${name}`, () => {
    describe('store', () => {
      const t = useStore(open);
      it('close is idempotent', async () => {
        await t.store.close();
        await expect(t.store.close()).resolves.toBeUndefined();
      });
    });
    userStoreContract(open);
    tokenStoreContract(open);
    relationStoreContract(open);
    conversationStoreContract(open);
    groupStoreContract(open);
    searchStoreContract(open);
    attachmentStoreContract(open);
    callJournalStoreContract(open);
  });
}
