// P4: durable messages/s on one node. Many DM pairs chat both ways, each user keeping a window
// of unacked sends; an ack means committed to SQLite. Baseline: raw better-sqlite3 batched
// inserts of the same rows, in the same run. Each round brackets quickchat between two raw runs.
import { rawSqliteInserts } from './baselines/sqlite-inserts.js';
import { driveDmLoad, setupDmLoad, type Throughput } from './lib/dm-load.js';
import { startQuickchat } from './lib/servers.js';
import { payloadText } from './lib/stats.js';

export interface P4Params {
  /** DM pairs; each has two connected users sending to each other. */
  pairs: number;
  /** Messages per round, over all senders. */
  messages: number;
  /** Unacked sends each user keeps in flight. */
  window: number;
  payloadBytes: number;
  /** Rows per transaction in the raw baseline. */
  batch: number;
  rounds: number;
  /** Messages sent before measuring (JIT, caches, page allocation). */
  warmup: number;
  deadlineMs: number;
}

export interface P4Result {
  params: P4Params;
  /** Means over the rounds. */
  quickchat: Throughput;
  raw: Throughput;
  ratio: number;
  rounds: { quickchat: Throughput; raw: Throughput }[];
  durationMs: number;
}

function mean(list: Throughput[]): Throughput {
  const sum = (f: (t: Throughput) => number) => list.reduce((a, t) => a + f(t), 0);
  return {
    count: sum((t) => t.count),
    elapsedMs: sum((t) => t.elapsedMs),
    perSec: Math.round(sum((t) => t.perSec) / list.length),
    complete: list.every((t) => t.complete),
  };
}

export async function runP4(params: P4Params): Promise<P4Result> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const text = payloadText(params.payloadBytes);
  const senders = params.pairs * 2;
  const perUser = Math.ceil(params.messages / senders);
  const server = await startQuickchat();
  try {
    const load = await setupDmLoad(server, params.pairs);
    try {
      const warm = await driveDmLoad(load, { perUser: Math.ceil(params.warmup / senders), window: params.window, text, tag: 'w', deadline });
      if (!warm.complete) throw new Error('P4: deadline passed during warm-up');
      const rounds: P4Result['rounds'] = [];
      for (let r = 0; r < params.rounds && Date.now() < deadline; r++) {
        const rawOptions = { pairs: params.pairs, perUser, batch: params.batch, text, tag: `r${r}` };
        const before = rawSqliteInserts(rawOptions);
        const quickchat = await driveDmLoad(load, { perUser, window: params.window, text, tag: `r${r}`, deadline });
        const after = rawSqliteInserts(rawOptions);
        rounds.push({ quickchat, raw: mean([before, after]) });
        if (!quickchat.complete) break;
      }
      if (rounds.length === 0) throw new Error('P4: deadline passed before the first round');
      const quickchat = mean(rounds.map((r) => r.quickchat));
      const raw = mean(rounds.map((r) => r.raw));
      return { params, quickchat, raw, ratio: Math.round((quickchat.perSec / raw.perSec) * 1000) / 1000, rounds, durationMs: Math.round(performance.now() - started) };
    } finally {
      load.close();
    }
  } finally {
    await server.stop();
  }
}
