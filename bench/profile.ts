// `--profile`: runs a workload against a quickchat child started with `node --cpu-prof`, then
// reads the profile it writes on exit and ranks functions by self time. Only samples taken
// during the measured part count (not startup, registration or warm-up).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { driveDmLoad, setupDmLoad } from './lib/dm-load.js';
import { fanoutRound, quickchatSender, ReceiverPool, seedGroup, startQuickchatOnGroup, type Sender } from './lib/fanout.js';
import { SOURCE_MAPS_FILE, startQuickchat, type RunningServer } from './lib/servers.js';
import { loadLocator } from './lib/source-maps.js';
import { latencyStats, payloadText } from './lib/stats.js';
import { quickchatPair, timeLoop, type P1Params } from './p1-latency.js';
import type { P2Params } from './p2-fanout.js';
import type { P4Params } from './p4-throughput.js';

export interface ProfileResult extends ProfileSummary {
  /** What ran, and how fast it went under the profiler (slower than unprofiled). */
  workload: string;
  /** Where the raw `.cpuprofile` was kept, relative to the OS temp dir (open it in Chrome DevTools → Performance). */
  file: string;
}

type Span = { startUs: number; endUs: number };
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Starts a profiled server (`start`, given the profile directory; a fresh server by default),
 * lets `drive` run (it returns the measured span), and summarizes.
 */
async function profileQuickchat(
  name: string,
  drive: (server: RunningServer) => Promise<{ span: Span; workload: string }>,
  start: (cpuProfDir: string) => Promise<RunningServer> = (cpuProfDir) => startQuickchat({ cpuProfDir }),
): Promise<ProfileResult> {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-bench-cpuprof-'));
  try {
    const server = await start(dir);
    let result: { span: Span; workload: string };
    try {
      result = await drive(server);
    } finally {
      await server.stop();
    }
    // Files are named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main
    // thread (tsx's module-loader thread writes one too).
    const written = readdirSync(dir).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (written.length !== 1) throw new Error(`expected one main-thread .cpuprofile in ${dir}, found ${readdirSync(dir).join(', ')}`);
    const source = join(dir, written[0]!);
    const file = join('quickchat-bench-profile', `quickchat-${name}.cpuprofile`);
    mkdirSync(join(tmpdir(), file, '..'), { recursive: true });
    copyFileSync(source, join(tmpdir(), file));
    const profile = JSON.parse(readFileSync(source, 'utf8')) as CpuProfile;
    return { ...summarizeProfile(profile, result.span, loadLocator(join(dir, SOURCE_MAPS_FILE))), workload: result.workload, file };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The P4 load (one round) against a profiled server. */
export function profileP4(params: P4Params): Promise<ProfileResult> {
  const deadline = Date.now() + params.deadlineMs;
  return profileQuickchat('p4', async (server) => {
    const dm = await setupDmLoad(server, params.pairs);
    try {
      const text = payloadText(params.payloadBytes);
      const senders = params.pairs * 2;
      await driveDmLoad(dm, { perUser: Math.ceil(params.warmup / senders), window: params.window, text, tag: 'w', deadline });
      const startUs = nowUs();
      const load = await driveDmLoad(dm, { perUser: Math.ceil(params.messages / senders), window: params.window, text, tag: 'p', deadline });
      const span = { startUs, endUs: nowUs() };
      return { span, workload: `P4 load, ${load.count.toLocaleString('en-US')} messages from ${senders} senders: ${load.perSec.toLocaleString('en-US')} msg/s under the profiler` };
    } finally {
      dm.close();
    }
  });
}

/** The P1 loop (quickchat side only) against a profiled server. */
export function profileP1(params: P1Params): Promise<ProfileResult> {
  const deadline = Date.now() + params.deadlineMs;
  return profileQuickchat('p1', async (server) => {
    const pair = await quickchatPair(server.url, server.wsUrl, payloadText(params.payloadBytes));
    try {
      await timeLoop(pair, params.warmup, deadline, 'P1 profile warm-up');
      const startUs = nowUs();
      const stats = latencyStats(await timeLoop(pair, params.messages, deadline, 'P1 profile'));
      const span = { startUs, endUs: nowUs() };
      return { span, workload: `P1 loop, ${stats.count.toLocaleString('en-US')} messages one at a time: p50 ${stats.p50} µs under the profiler` };
    } finally {
      pair.arrivals.dispose();
      for (const ws of pair.sockets) ws.terminate();
    }
  });
}

/** The P2 fan-out (quickchat only: warm-up, then one round) against a profiled server. */
export async function profileP2(params: P2Params): Promise<ProfileResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-bench-p2-'));
  try {
    const seed = await seedGroup(dataDir, params.members);
    const drive = async (server: RunningServer) => {
      const pool = await ReceiverPool.start(params.receiverProcesses);
      let sender: Sender | null = null;
      try {
        await pool.connect('quickchat', server.wsUrl, params.members - 1, { tokens: seed.tokens.slice(1) });
        sender = await quickchatSender(server.wsUrl, seed.tokens[0]!, seed.conversationId, payloadText(params.payloadBytes));
        const opts = { members: params.members, window: params.window, lag: params.lag, stallMs: 30_000 };
        await fanoutRound(pool, 'quickchat', server.pid, sender, { ...opts, messages: params.warmup, tag: 'w' });
        const startUs = nowUs();
        const round = await fanoutRound(pool, 'quickchat', server.pid, sender, { ...opts, messages: params.messages, tag: 'p' });
        const span = { startUs, endUs: nowUs() };
        const workload =
          `P2 fan-out, ${params.messages.toLocaleString('en-US')} messages to ${params.members.toLocaleString('en-US')} members (window ${params.window}, lag ${params.lag}): ` +
          `${round.deliveriesPerSec.toLocaleString('en-US')} deliveries/s under the profiler, ${round.deliveriesPerWrite ?? '?'} deliveries per write syscall, server ${round.serverCpus ?? '?'} CPUs`;
        return { span, workload };
      } finally {
        sender?.close();
        pool.close();
      }
    };
    return await profileQuickchat('p2', drive, (cpuProfDir) => startQuickchatOnGroup(seed, cpuProfDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
