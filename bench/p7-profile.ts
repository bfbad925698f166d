// `--only=p7 --profile`: P7's cross-node 1:1 loop (sender on node A, receiver on node B, one
// message at a time) against two nodes + Redis started under `node --cpu-prof`, beside the same
// loop on one node (shared-writer store) under the profiler too. Only samples taken during the
// measured loops count. Printed, not written into the docs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { RedisServer, redisMissing } from '../packages/server/test/support/redis-server.js';
import { SOURCE_MAPS_FILE, startQuickchat, type RunningServer } from './lib/servers.js';
import { loadLocator } from './lib/source-maps.js';
import { latencyStats, payloadText } from './lib/stats.js';
import { timeLoop } from './p1-latency.js';
import { crossNodePair, type P7Params } from './p7-scale-out.js';

export interface P7Profile {
  /** What ran under the profiler. */
  workload: string;
  /** Node A (the sender's), node B (the receiver's), and the one node, over the measured loops. */
  nodes: { name: string; summary: ProfileSummary }[];
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** The main thread's profile in `dir`, summarized over `span`. */
function readProfile(dir: string, span: { startUs: number; endUs: number }): ProfileSummary {
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const written = readdirSync(dir).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (written.length !== 1) throw new Error(`expected one main-thread .cpuprofile in ${dir}, found ${readdirSync(dir).join(', ')}`);
  const profile = JSON.parse(readFileSync(join(dir, written[0]!), 'utf8')) as CpuProfile;
  return summarizeProfile(profile, span, loadLocator(join(dir, SOURCE_MAPS_FILE)));
}

export async function profileP7(params: P7Params): Promise<P7Profile> {
  const why = redisMissing();
  if (why) throw new Error(`P7 profile: ${why}`);
  const deadline = Date.now() + params.deadlineMs;
  const text = payloadText(params.payloadBytes);
  const messages = Math.min(params.messages, 5000);
  const dirs: string[] = [];
  const tempDir = (what: string) => {
    const dir = mkdtempSync(join(tmpdir(), `quickchat-bench-p7-${what}-`));
    dirs.push(dir);
    return dir;
  };
  const nodes: RunningServer[] = [];
  let redis: RedisServer | null = null;
  try {
    redis = await RedisServer.start();
    const shared = tempDir('data');
    const profDirs = { a: tempDir('prof-a'), b: tempDir('prof-b'), one: tempDir('prof-one') };
    const serverOptions = { sqliteSharedWriter: true, redisUrl: redis.url };
    const a = await startQuickchat({ dataDir: shared, serverOptions, cpuProfDir: profDirs.a });
    nodes.push(a);
    const b = await startQuickchat({ dataDir: shared, serverOptions, cpuProfDir: profDirs.b });
    nodes.push(b);
    const one = await startQuickchat({ dataDir: tempDir('one'), serverOptions: { sqliteSharedWriter: true }, cpuProfDir: profDirs.one });
    nodes.push(one);

    const loop = async (from: RunningServer, to: RunningServer, label: string) => {
      const pair = await crossNodePair(from, to, text, label);
      try {
        await timeLoop(pair, params.warmup, deadline, `P7 profile ${label} warm-up`);
        const startUs = nowUs();
        const stats = latencyStats(await timeLoop(pair, messages, deadline, `P7 profile ${label}`));
        return { span: { startUs, endUs: nowUs() }, stats };
      } finally {
        pair.arrivals.dispose();
        for (const ws of pair.sockets) ws.terminate();
      }
    };
    const cross = await loop(a, b, 'two');
    const single = await loop(one, one, 'one');
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    return {
      workload:
        `P7 1:1 loop, ${messages.toLocaleString('en-US')} messages one at a time under the profiler: ` +
        `two nodes (sender on A, receiver on B) p50 ${cross.stats.p50} µs, p99 ${cross.stats.p99} µs; one node p50 ${single.stats.p50} µs, p99 ${single.stats.p99} µs`,
      nodes: [
        { name: 'node A (sender’s)', summary: readProfile(profDirs.a, cross.span) },
        { name: 'node B (receiver’s)', summary: readProfile(profDirs.b, cross.span) },
        { name: 'one node', summary: readProfile(profDirs.one, single.span) },
      ],
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
