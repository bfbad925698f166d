// P6b: the conversation list (GET /api/conversations: unread counts, cursors, last message) of a
// user in 500 conversations with a 100,000-message unread backlog, beside a bare node:http
// server running the same raw SQL on the same SQLite file and returning the same JSON.
import { runReadBench, type ReadParams, type ReadResult } from './lib/read-bench.js';
import { seedInbox } from './lib/seed.js';

export interface P6bParams extends ReadParams {
  conversations: number;
  /** Unread messages over all conversations. */
  backlog: number;
  payloadBytes: number;
}

export interface P6bResult extends ReadResult {
  params: P6bParams;
}

export async function runP6b(params: P6bParams): Promise<P6bResult> {
  let ownerId = '';
  const result = await runReadBench(
    {
      name: 'P6b',
      async seed(dataDir) {
        const seeded = await seedInbox(dataDir, params.conversations, params.backlog, params.payloadBytes);
        ownerId = seeded.owner.id;
        return seeded.owner;
      },
      paths: () => ({ quickchat: '/api/conversations', baseline: `/api/conversations?userId=${encodeURIComponent(ownerId)}` }),
    },
    params,
  );
  return { ...result, params };
}
