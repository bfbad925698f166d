// P6: one history page (50 messages, scrolling back from a random point) of a conversation of
// 1,000,000 messages through the real REST endpoint, beside a bare node:http server running
// the same raw SQL on the same SQLite file and returning the same JSON, in the same run.
import { runReadBench, type ReadParams, type ReadResult } from './lib/read-bench.js';
import { seedHistory } from './lib/seed.js';
import { seededRandom } from '../packages/server/test/support/seeded-random.js';

export interface P6Params extends ReadParams {
  /** Messages in the conversation. */
  messages: number;
  /** Messages per page. */
  pageSize: number;
  payloadBytes: number;
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
      name: 'P6',
      async seed(dataDir) {
        const seeded = await seedHistory(dataDir, params.messages, params.payloadBytes);
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
