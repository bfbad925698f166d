// P6: one history page (50 messages, scrolling back from a random point) of a conversation of
// 1,000,000 messages through the real REST endpoint, beside a bare node:http server running
// the same raw SQL on the same SQLite file and returning the same JSON, in the same run. P6g is
// the same in a group (`groupMembers` set): its page is bounded by the reader's floor, and
// reading it asks the access seam for the reader's membership.
import { runReadBench, type ReadParams, type ReadResult } from './lib/read-bench.js';
import { seedGroupHistory, seedHistory } from './lib/seed.js';
import { seededRandom } from '../packages/server/test/support/seeded-random.js';

export interface P6Params extends ReadParams {
  /** Messages in the conversation. */
  messages: number;
  /** Messages per page. */
  pageSize: number;
  payloadBytes: number;
  /** Set for P6g: the conversation is a group of this many members. */
  groupMembers?: number;
}

export interface P6Result extends ReadResult {
  params: P6Params;
}

export async function runP6(params: P6Params): Promise<P6Result> {
  // Both servers are asked for the same pages.
  const random = seededRandom(6);
  const befores = Array.from({ length: params.requests + params.warmup + 1 }, () => params.pageSize + 1 + Math.floor(random() * (params.messages - params.pageSize)));
  let conversationId = '';
  const result = await runReadBench(
    {
      name: params.groupMembers ? 'P6g' : 'P6',
      async seed(dataDir) {
        const seeded = params.groupMembers
          ? await seedGroupHistory(dataDir, params.messages, params.groupMembers, params.payloadBytes)
          : await seedHistory(dataDir, params.messages, params.payloadBytes);
        conversationId = encodeURIComponent(seeded.conversationId);
        return seeded.reader;
      },
      paths(i) {
        const path = `/api/conversations/${conversationId}/messages?before=${befores[i % befores.length]}&limit=${params.pageSize}`;
        return { quickchat: path, baseline: path };
      },
    },
    params,
  );
  return { ...result, params };
}
