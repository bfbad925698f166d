// The harness shared by the read benchmarks (P6 history, P6b conversation list): seed a data
// directory, serve it with quickchat and with the bare node:http + raw SQL baseline at the same
// time, check both return the same JSON, then time sequential keep-alive GETs against each,
// alternating which goes first per round so drift on a shared machine hits both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_FILE, SEED_PASSWORD } from './seed.js';
import { HttpGetter } from './http-get.js';
import { startQuickchat, startReadBaseline } from './servers.js';
import { checkDeadline, latencyStats, type LatencyStats } from './stats.js';

export interface ReadParams {
  /** Timed requests per server, over all rounds. */
  requests: number;
  /** Untimed requests per server first (JIT, SQLite page cache). */
  warmup: number;
  rounds: number;
  deadlineMs: number;
}

export interface ReadResult {
  /** Timed requests per server. */
  requests: number;
  quickchat: LatencyStats;
  baseline: LatencyStats;
  /** quickchat ÷ baseline. */
  ratios: { p50: number; p99: number };
  /** Both servers returned byte-identical JSON for the same request. */
  sameJson: boolean;
  /** Size of one response body. */
  responseBytes: number;
  /** Time to seed the data directory. */
  seedMs: number;
  durationMs: number;
}

/** What a read benchmark seeds and asks for. */
export interface ReadWorkload {
  name: string;
  /** Seeds `dataDir`; returns the handle that signs in (password {@link SEED_PASSWORD}). */
  seed(dataDir: string): Promise<{ handle: string }>;
  /** The `i`-th request's path on quickchat and on the baseline (no auth there). */
  paths(i: number): { quickchat: string; baseline: string };
  /** The baseline server's script under bench/ (default: baselines/read-http.ts). */
  baselineScript?: string;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export async function runReadBench(workload: ReadWorkload, params: ReadParams): Promise<ReadResult> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const dataDir = mkdtempSync(join(tmpdir(), `quickchat-bench-${workload.name}-`));
  try {
    const seedStarted = performance.now();
    const { handle } = await workload.seed(dataDir);
    const seedMs = Math.round(performance.now() - seedStarted);
    checkDeadline(deadline, `${workload.name} seeding`);
    const server = await startQuickchat({ dataDir });
    const baseline = await startReadBaseline(join(dataDir, DB_FILE), workload.baselineScript);
    const ours = new HttpGetter(server.url);
    const bare = new HttpGetter(baseline.url);
    try {
      const login = await ours.post('/api/auth/login', { handle, password: SEED_PASSWORD });
      if (login.status !== 200) throw new Error(`${workload.name}: login failed: ${login.status} ${login.body}`);
      const auth = { authorization: `Bearer ${(JSON.parse(login.body) as { tokens: { accessToken: string } }).tokens.accessToken}` };
      const getOurs = async (i: number) => {
        const res = await ours.get(workload.paths(i).quickchat, auth);
        if (res.status !== 200) throw new Error(`${workload.name}: quickchat answered ${res.status}: ${res.body.slice(0, 200)}`);
        return res;
      };
      const getBare = async (i: number) => {
        const res = await bare.get(workload.paths(i).baseline);
        if (res.status !== 200) throw new Error(`${workload.name}: baseline answered ${res.status}`);
        return res;
      };

      const first = [await getOurs(0), await getBare(0)];
      const sameJson = first[0]!.body === first[1]!.body;
      if (!sameJson) console.warn(`${workload.name}: quickchat and the baseline returned different JSON (compare bench/baselines/read-http.ts with the store's queries)`);
      for (let i = 0; i < params.warmup; i++) {
        await getOurs(i);
        await getBare(i);
      }

      const samples = { ours: [] as number[], bare: [] as number[] };
      const perRound = Math.ceil(params.requests / params.rounds);
      for (let r = 0; r < params.rounds; r++) {
        checkDeadline(deadline, workload.name);
        const runs: [(i: number) => Promise<{ ms: number }>, number[]][] = [
          [getOurs, samples.ours],
          [getBare, samples.bare],
        ];
        if (r % 2 === 1) runs.reverse();
        for (const [get, into] of runs) {
          for (let i = r * perRound; i < (r + 1) * perRound; i++) into.push((await get(i)).ms);
        }
      }
      const quickchat = latencyStats(samples.ours);
      const base = latencyStats(samples.bare);
      return {
        requests: samples.ours.length,
        quickchat,
        baseline: base,
        ratios: { p50: ratio(quickchat.p50, base.p50), p99: ratio(quickchat.p99, base.p99) },
        sameJson,
        responseBytes: Buffer.byteLength(first[0]!.body),
        seedMs,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      ours.close();
      bare.close();
      await baseline.stop();
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
