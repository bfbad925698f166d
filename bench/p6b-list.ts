// P6b: the conversation list (GET /api/conversations: unread counts, cursors, last message) of a
// user in 500 conversations with a 100,000-message unread backlog, beside a bare node:http
// server running the same raw SQL on the same SQLite file and returning the same JSON. P6s is
// the same for a member of 200 groups of 1,000 members (`groupMembers` set): the summaries a
// `sync` returns (the socket's sync reads them with the same store query), with group briefs,
// floors, and only the viewer's own cursor in groups above the live-receipts size.
import { runReadBench, type ReadParams, type ReadResult } from './lib/read-bench.js';
import { seedGroupInbox, seedInbox } from './lib/seed.js';

export interface P6bParams extends ReadParams {
  conversations: number;
  /** Unread messages over all conversations. */
  backlog: number;
  payloadBytes: number;
  /** Set for P6s: the conversations are groups of this many members. */
  groupMembers?: number;
}

export interface P6bResult extends ReadResult {
  params: P6bParams;
}

export async function runP6b(params: P6bParams): Promise<P6bResult> {
  let ownerId = '';
  const result = await runReadBench(
    {
      name: params.groupMembers ? 'P6s' : 'P6b',
      async seed(dataDir) {
        const seeded = params.groupMembers
          ? await seedGroupInbox(dataDir, params.conversations, params.groupMembers, params.backlog, params.payloadBytes)
          : await seedInbox(dataDir, params.conversations, params.backlog, params.payloadBytes);
        ownerId = seeded.owner.id;
        return seeded.owner;
      },
      paths: () => ({ quickchat: '/api/conversations', baseline: `/api/conversations?userId=${encodeURIComponent(ownerId)}` }),
    },
    params,
  );
  return { ...result, params };
}
