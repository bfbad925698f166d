// Seeds S1 (search): one reader in `conversations` DMs holding `messages` messages in all, each
// a sentence of words drawn from a synthetic vocabulary with a Zipf-like spread (a few words in
// most messages, most words rare), one message in ten in Chinese. Deterministic (seeded), so
// every run searches the same index.
import { dmConversationId } from '@quickchat/protocol';
import { hashPassword } from '../../packages/server/src/auth/passwords.js';
import type { NewMessage } from '../../packages/server/src/store/types.js';
import { seededRandom } from '../../packages/server/test/support/seeded-random.js';
import { createAccount, SEED_PASSWORD, withStore, type SeededUser } from './seed.js';

const BATCH = 10_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ner', 'to', 'sa', 'vik', 'ru', 'pen', 'dal', 'zo', 'ty', 'mar', 'qui', 'bel', 'son'];
const HANZI = '我们今天明天北京上海会议报告项目时间地点朋友电话问题答案学校公司天气很好一起吃饭准备完成开始结束'.split('');

/** Word `i` of the vocabulary: rank 0 is the most common. */
export function vocabularyWord(i: number): string {
  let w = '';
  let n = i + 17;
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
}

/** A word rank drawn with a Zipf-like spread over `size` words. */
function rank(random: () => number, size: number): number {
  return Math.min(size - 1, Math.floor(Math.exp(random() * Math.log(size)) - 1));
}

export interface SearchSeed {
  reader: SeededUser;
  messages: number;
  vocabulary: number;
}

/** Seeds the S1 data directory. */
export async function seedSearch(dataDir: string, messages: number, conversations: number, vocabulary: number): Promise<SearchSeed> {
  return withStore(dataDir, async (store) => {
    const random = seededRandom(11);
    const now = Date.now();
    const hash = await hashPassword(SEED_PASSWORD);
    const reader = await createAccount(store, 'reader', hash, now);
    const ids: string[] = [];
    for (let c = 0; c < conversations; c++) {
      const peer = await createAccount(store, `peer${c}`, hash, now);
      const id = dmConversationId(reader.id, peer.id);
      await store.createConversation({ id, kind: 'dm', members: [reader.id, peer.id], createdAt: now - messages - conversations + c });
      ids.push(id);
    }
    for (let from = 0; from < messages; from += BATCH) {
      const batch: NewMessage[] = [];
      for (let i = from; i < Math.min(messages, from + BATCH); i++) {
        const conversationId = ids[i % conversations]!;
        const senderId = random() < 0.5 ? reader.id : `u_peer${i % conversations}`;
        const text =
          i % 10 === 9
            ? Array.from({ length: 12 }, () => HANZI[Math.floor(random() * HANZI.length)]).join('')
            : Array.from({ length: 8 }, () => vocabularyWord(rank(random, vocabulary))).join(' ');
        const content = { type: 'text' as const, text };
        batch.push({ id: `m_s_${i}`, conversationId, senderId, clientMsgId: `s-${i}`, content, contentJson: JSON.stringify(content), createdAt: now - messages + i });
      }
      const results = await store.appendMessages(batch);
      if (results.some((r) => r.status !== 'stored')) throw new Error('seed: a search message was refused');
    }
    return { reader, messages, vocabulary };
  });
}
