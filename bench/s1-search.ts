// S1: full-text search over a user's conversations holding 1,000,000 messages (100 DMs, words
// from a 5,000-word vocabulary with a Zipf-like spread, one message in ten Chinese), through the
// real REST endpoint (GET /api/search, 20 hits per page), beside a bare node:http server running
// the store's own FTS5 query and snippets on the same file, in the same run. The raw query alone
// (in this process, no HTTP) is timed too, as the floor.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runReadBench, type ReadParams, type ReadResult } from './lib/read-bench.js';
import { DB_FILE } from './lib/seed.js';
import { seedSearch, vocabularyWord } from './lib/seed-search.js';
import { latencyStats, type LatencyStats } from './lib/stats.js';
import { seededRandom } from '../packages/server/test/support/seeded-random.js';
import { ROWID_END, SEARCH_SQL, toMatchExpression } from '../packages/server/src/store/sqlite/search.js';

export interface S1Params extends ReadParams {
  messages: number;
  conversations: number;
  vocabulary: number;
  pageSize: number;
}

export interface S1Result extends ReadResult {
  params: S1Params;
  /** The store's FTS5 query alone, run in-process on the same file for the same queries. */
  rawQuery: LatencyStats;
}

/** The queries, in order: a common word, a mid-frequency word, a rare word, two words, two Chinese characters. */
function queries(count: number, vocabulary: number): string[] {
  const random = seededRandom(12);
  const pick = (lo: number, hi: number) => vocabularyWord(lo + Math.floor(random() * (hi - lo)));
  const hanzi = ['北京', '会议', '报告', '天气', '朋友', '项目'];
  return Array.from({ length: count }, (_, i) => {
    switch (i % 5) {
      case 0: return pick(0, 5);
      case 1: return pick(50, 200);
      case 2: return pick(1000, vocabulary);
      case 3: return `${pick(0, 20)} ${pick(20, 200)}`;
      default: return hanzi[Math.floor(random() * hanzi.length)]!;
    }
  });
}

export async function runS1(params: S1Params): Promise<S1Result> {
  const list = queries(params.requests + params.warmup + 1, params.vocabulary);
  let readerId = '';
  let rawQuery: LatencyStats | null = null;
  const result = await runReadBench(
    {
      name: 'S1',
      baselineScript: 'baselines/search-http.ts',
      async seed(dataDir) {
        const seeded = await seedSearch(dataDir, params.messages, params.conversations, params.vocabulary);
        readerId = seeded.reader.id;
        rawQuery = timeRawQuery(join(dataDir, DB_FILE), readerId, list, params.pageSize);
        return seeded.reader;
      },
      paths(i) {
        const q = encodeURIComponent(list[i % list.length]!);
        return { quickchat: `/api/search?q=${q}&limit=${params.pageSize}`, baseline: `/api/search?userId=${encodeURIComponent(readerId)}&q=${q}&limit=${params.pageSize}` };
      },
    },
    params,
  );
  return { ...result, params, rawQuery: rawQuery! };
}

/** Each query once untimed (page cache), then once timed: the store's SQL, no HTTP. */
function timeRawQuery(file: string, userId: string, list: readonly string[], limit: number): LatencyStats {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const search = db.prepare(SEARCH_SQL);
    const run = (q: string) => search.all({ user: userId, match: toMatchExpression(q), lo: 0n, hi: ROWID_END, limit: limit + 1 });
    for (const q of list) run(q);
    const samples = list.map((q) => {
      const started = performance.now();
      run(q);
      return performance.now() - started;
    });
    return latencyStats(samples);
  } finally {
    db.close();
  }
}
