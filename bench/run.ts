// `npm run bench`: runs P1, P2, P4, P5, P6, P6g, P6b, P6s, P7, S1, U1, B1 and P8 against their baselines, prints a table, and writes
// docs/benchmarks.md with docs/images/benchmarks.svg. See `--help` below for the flags.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Flags } from './lib/args.js';
import { watchOtherLoad } from './lib/machine-load.js';
import { runP1, type P1Params } from './p1-latency.js';
import { runP2, type P2Params } from './p2-fanout.js';
import { runP4, type P4Params } from './p4-throughput.js';
import { runP5, type P5Params } from './p5-catchup.js';
import { runP6, type P6Params } from './p6-history.js';
import { runP6b, type P6bParams } from './p6b-list.js';
import { p7Unavailable, runP7, type P7Params } from './p7-scale-out.js';
import { profileP7 } from './p7-profile.js';
import { B1_BASELINE_COMMIT, runB1, type B1Params } from './b1-scrollback.js';
import { runU1, type U1Params } from './u1-uploads.js';
import { runS1, type S1Params } from './s1-search.js';
import { p8Unavailable, runP8, type P8Params } from './p8-call-setup.js';
import { profileP1, profileP2, profileP4, type ProfileResult } from './profile.js';
import type { BenchReport } from './report/figures.js';
import { markdown } from './report/markdown.js';
import { svgChart } from './report/chart.js';
import { textTable } from './report/table.js';

const HELP = `usage: npm run bench -- [--quick] [--only=p1|p2|p4|p5|p6|p6g|p6b|p6s|p7|s1|u1|b1|p8] [--profile] [--write|--no-write] [--render]
  --merge          with --only: write this run's results into docs/benchmarks.json (and the .md and chart)
                   beside the saved results of the benchmarks not run
  --render         re-write docs/benchmarks.md and the chart from docs/benchmarks.json (no run),
                   e.g. after editing bench/profile-reading.md
  P1: --messages=10000 --warmup=500 --payload=32 --rounds=5
  P2: --p2-members=1000 --p2-messages=1000 --p2-rounds=3 --p2-warmup=200 --p2-window=32 --p2-lag=256
      --p2-receivers=3 --p2-payload=100
      --p2-sio-client (socket.io receivers on socket.io-client, not engine.io over plain ws)
      --p2-no-pin (do not bind the servers to CPU 0 and the clients to the other CPUs)
  P4: --p4-messages=40000 --pairs=20 --window=32 --batch=512 --p4-rounds=2 --p4-warmup=4000
  P5: --missed=1000 --p5-rounds=5
  P6: --history=1000000 --page=50 --p6-requests=2000 --p6-warmup=200 --p6-rounds=4
  P6g: P6 in a group: --group-history=1000000 --history-group-members=100 (pages, requests and rounds as P6)
  P6b: --list-conversations=500 --backlog=100000 --p6b-requests=300 --p6b-warmup=30 --p6b-rounds=4
  P6s: P6b for a member of groups: --list-groups=200 --list-group-members=1000 --group-backlog=100000 (requests and rounds as P6b)
  P7: two nodes + Redis beside one node: --p7-messages=10000 --p7-warmup=500 --p7-rounds=5 (1:1 latency, payload --payload)
      --p7-members=1000 --p7-fanout-messages=300 --p7-fanout-rounds=3 --p7-fanout-warmup=100 --p7-window=32 --p7-lag=256
      --p7-payload=100 --p7-receivers=2 (per deployment) --p7-no-reference (skip one node in its default store mode)
      --p7-no-pin (fan-out: do not bind the server side to CPU 0 and the clients to the other CPUs); needs redis-server
  S1: --search-messages=1000000 --search-conversations=100 --search-vocabulary=5000 --search-page=20 --s1-requests=1000 --s1-warmup=100 --s1-rounds=4
  U1: --u1-uploads=20 --u1-size-mib=5 --u1-rounds=3 (through the real server, beside fs.copyFile)
  B1: --b1-messages=2000 --b1-speed=4000 --b1-rounds=2 --b1-baseline=<git rev> (widget in headless Chromium)
  P8: --p8-rounds=10 (calls per implementation and mode, after a warm-up; headless Chromium and coturn,
      only inside a loopback-only network namespace: scripts/loopback-only.sh npm run bench -- --only=p8;
      skipped with the reason printed anywhere else)
      --profile with --only=p7: the 1:1 loop on two nodes and on one node under node --cpu-prof (printed only)
  --deadline=120   seconds allowed per benchmark before it stops itself
Every numeric flag can also be set as BENCH_<NAME>, e.g. BENCH_MESSAGES=2000.`;

const DOCS = new URL('../docs/', import.meta.url);
const RESULTS = new URL('benchmarks.json', DOCS);

/** Writes the markdown, the chart and the raw results. */
function writeDocs(report: BenchReport): void {
  mkdirSync(new URL('images/', DOCS), { recursive: true });
  writeFileSync(new URL('benchmarks.md', DOCS), markdown(report));
  writeFileSync(new URL('images/benchmarks.svg', DOCS), svgChart(report));
  const trim = (p?: ProfileResult) => p && { ...p, functions: p.functions.slice(0, 30) };
  const profiles = report.profiles && { p4: trim(report.profiles.p4), p1: trim(report.profiles.p1), p2: trim(report.profiles.p2) };
  writeFileSync(RESULTS, JSON.stringify({ ...report, profiles }, null, 2) + '\n');
  console.log('wrote docs/benchmarks.md, docs/images/benchmarks.svg and docs/benchmarks.json');
}

const flags = new Flags();
if (flags.has('help')) {
  console.log(HELP);
  process.exit(0);
}
if (flags.has('render')) {
  const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchReport;
  console.log(textTable(saved));
  writeDocs(saved);
  process.exit(0);
}
const quick = flags.has('quick');
const only = flags.str('only');
const ONLY = ['p1', 'p2', 'p4', 'p5', 'p6', 'p6g', 'p6b', 'p6s', 'p7', 's1', 'u1', 'b1', 'p8'];
if (only && !ONLY.includes(only)) throw new Error(`--only must be one of ${ONLY.join(', ')}, got "${only}"`);
const deadlineMs = flags.num('deadline', 120) * 1000;
const payloadBytes = flags.num('payload', 32);

const p1Params: P1Params = {
  messages: flags.num('messages', quick ? 1000 : 10_000),
  warmup: flags.num('warmup', quick ? 100 : 500),
  payloadBytes,
  rounds: flags.num('rounds', quick ? 2 : 5),
  deadlineMs,
};
const p2Params: P2Params = {
  members: flags.num('p2-members', quick ? 200 : 1000),
  messages: flags.num('p2-messages', quick ? 200 : 1000),
  rounds: flags.num('p2-rounds', quick ? 1 : 3),
  warmup: flags.num('p2-warmup', quick ? 50 : 200),
  window: flags.num('p2-window', 32),
  lag: flags.num('p2-lag', 256),
  payloadBytes: flags.num('p2-payload', 100),
  receiverProcesses: flags.num('p2-receivers', 3),
  socketioClient: flags.has('p2-sio-client'),
  pin: !flags.has('p2-no-pin'),
  deadlineMs,
};
const p4Params: P4Params = {
  pairs: flags.num('pairs', quick ? 5 : 20),
  messages: flags.num('p4-messages', quick ? 4000 : 40_000),
  window: flags.num('window', 32),
  payloadBytes,
  batch: flags.num('batch', 512),
  rounds: flags.num('p4-rounds', quick ? 1 : 2),
  warmup: flags.num('p4-warmup', quick ? 1000 : 4000),
  deadlineMs,
};

const p5Params: P5Params = {
  missed: flags.num('missed', 1000),
  rounds: flags.num('p5-rounds', quick ? 2 : 5),
  payloadBytes,
  deadlineMs,
};

const p6Params: P6Params = {
  messages: flags.num('history', quick ? 100_000 : 1_000_000),
  pageSize: flags.num('page', 50),
  payloadBytes: Math.max(payloadBytes, 100),
  requests: flags.num('p6-requests', quick ? 400 : 2000),
  warmup: flags.num('p6-warmup', quick ? 50 : 200),
  rounds: flags.num('p6-rounds', quick ? 2 : 4),
  deadlineMs,
};

const p6bParams: P6bParams = {
  conversations: flags.num('list-conversations', quick ? 100 : 500),
  backlog: flags.num('backlog', quick ? 10_000 : 100_000),
  payloadBytes: Math.max(payloadBytes, 100),
  requests: flags.num('p6b-requests', quick ? 60 : 300),
  warmup: flags.num('p6b-warmup', quick ? 10 : 30),
  rounds: flags.num('p6b-rounds', quick ? 2 : 4),
  deadlineMs,
};

const p6gParams: P6Params = {
  ...p6Params,
  messages: flags.num('group-history', quick ? 100_000 : 1_000_000),
  groupMembers: flags.num('history-group-members', 100),
};

const p6sParams: P6bParams = {
  ...p6bParams,
  conversations: flags.num('list-groups', quick ? 50 : 200),
  groupMembers: flags.num('list-group-members', 1000),
  backlog: flags.num('group-backlog', quick ? 10_000 : 100_000),
};

const p7Params: P7Params = {
  messages: flags.num('p7-messages', quick ? 1000 : 10_000),
  warmup: flags.num('p7-warmup', quick ? 100 : 500),
  payloadBytes,
  rounds: flags.num('p7-rounds', quick ? 2 : 5),
  members: flags.num('p7-members', quick ? 200 : 1000),
  fanoutMessages: flags.num('p7-fanout-messages', quick ? 100 : 300),
  fanoutRounds: flags.num('p7-fanout-rounds', quick ? 1 : 3),
  fanoutWarmup: flags.num('p7-fanout-warmup', quick ? 30 : 100),
  window: flags.num('p7-window', 32),
  lag: flags.num('p7-lag', 256),
  fanoutPayloadBytes: flags.num('p7-payload', 100),
  receiverProcesses: flags.num('p7-receivers', 2),
  reference: !flags.has('p7-no-reference'),
  pin: !flags.has('p7-no-pin'),
  deadlineMs,
};

const s1Params: S1Params = {
  messages: flags.num('search-messages', quick ? 100_000 : 1_000_000),
  conversations: flags.num('search-conversations', 100),
  vocabulary: flags.num('search-vocabulary', 5000),
  pageSize: flags.num('search-page', 20),
  requests: flags.num('s1-requests', quick ? 200 : 1000),
  warmup: flags.num('s1-warmup', quick ? 20 : 100),
  rounds: flags.num('s1-rounds', quick ? 2 : 4),
  deadlineMs,
};

const u1Params: U1Params = {
  uploads: flags.num('u1-uploads', quick ? 5 : 20),
  sizeMiB: flags.num('u1-size-mib', 5),
  rounds: flags.num('u1-rounds', quick ? 1 : 3),
  deadlineMs,
};

const b1Params: B1Params = {
  messages: flags.num('b1-messages', quick ? 500 : 2000),
  speed: flags.num('b1-speed', 4000),
  rounds: flags.num('b1-rounds', quick ? 1 : 2),
  baseline: flags.str('b1-baseline') ?? B1_BASELINE_COMMIT,
  deadlineMs,
};

const p8Params: P8Params = {
  rounds: flags.num('p8-rounds', quick ? 3 : 10),
  deadlineMs,
};

const started = performance.now();
const otherLoad = watchOtherLoad();
const report: BenchReport = {
  machine: {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    loadStart: Math.round(loadavg()[0]! * 100) / 100,
    otherCpus: null,
  },
  quick,
  durationMs: 0,
};
console.log(`quickchat benchmarks: nproc ${report.machine.nproc}, ${report.machine.cpu}, Node ${report.machine.node}, load ${report.machine.loadStart}${quick ? ' (quick)' : ''}`);

if (!only || only === 'p1') {
  console.log(`P1: ${p1Params.messages} messages of ${p1Params.payloadBytes} B, 1 sender → 1 receiver, one at a time…`);
  report.p1 = await runP1(p1Params);
}
if (!only || only === 'p2') {
  const p = p2Params;
  console.log(`P2: group of ${p.members} members, all connected; ${p.messages} messages of ${p.payloadBytes} B × ${p.rounds} rounds per system, window ${p.window} (lag ≤ ${p.lag}), receivers in ${p.receiverProcesses} processes…`);
  report.p2 = await runP2(p2Params);
  const r = report.p2;
  console.log(`P2: quickchat stored ${r.stored.found} of ${r.stored.sent} messages sent; setup ${(r.setupMs / 1000).toFixed(1)} s, total ${(r.durationMs / 1000).toFixed(1)} s`);
}
if (!only || only === 'p5') {
  console.log(`P5: ${p5Params.missed} missed messages, SDK reconnect until all surfaced, ${p5Params.rounds} rounds…`);
  report.p5 = await runP5(p5Params);
}
if (!only || only === 'p4') {
  console.log(`P4: ${p4Params.messages} messages × ${p4Params.rounds} rounds, ${p4Params.pairs * 2} senders, window ${p4Params.window}…`);
  report.p4 = await runP4(p4Params);
}
if (!only || only === 'p6') {
  console.log(`P6: history pages of ${p6Params.pageSize} from a ${p6Params.messages} message conversation, ${p6Params.requests} requests per server…`);
  report.p6 = await runP6(p6Params);
  console.log(`P6: seeded in ${(report.p6.seedMs / 1000).toFixed(1)} s; responses of ${report.p6.responseBytes} B, identical JSON from both servers: ${report.p6.sameJson ? 'yes' : 'NO'}`);
}
if (!only || only === 'p6g') {
  console.log(`P6g: history pages of ${p6gParams.pageSize} from a group of ${p6gParams.groupMembers} members with ${p6gParams.messages} messages, ${p6gParams.requests} requests per server…`);
  report.p6g = await runP6(p6gParams);
  console.log(`P6g: seeded in ${(report.p6g.seedMs / 1000).toFixed(1)} s; responses of ${report.p6g.responseBytes} B, identical JSON from both servers: ${report.p6g.sameJson ? 'yes' : 'NO'}`);
}
if (!only || only === 'p6b') {
  console.log(`P6b: conversation list of a user in ${p6bParams.conversations} conversations with a ${p6bParams.backlog} message backlog, ${p6bParams.requests} requests per server…`);
  report.p6b = await runP6b(p6bParams);
  console.log(`P6b: seeded in ${(report.p6b.seedMs / 1000).toFixed(1)} s; responses of ${report.p6b.responseBytes} B, identical JSON from both servers: ${report.p6b.sameJson ? 'yes' : 'NO'}`);
}
if (!only || only === 'p6s') {
  console.log(`P6s: conversation list of a member of ${p6sParams.conversations} groups of ${p6sParams.groupMembers} members with a ${p6sParams.backlog} message backlog, ${p6sParams.requests} requests per server…`);
  report.p6s = await runP6b(p6sParams);
  console.log(`P6s: seeded in ${(report.p6s.seedMs / 1000).toFixed(1)} s; responses of ${report.p6s.responseBytes} B, identical JSON from both servers: ${report.p6s.sameJson ? 'yes' : 'NO'}`);
}
if (!only || only === 'p7') {
  const why = p7Unavailable();
  if (why) {
    console.log(`P7: skipped: ${why}`);
  } else {
    const p = p7Params;
    console.log(
      `P7: two nodes + Redis (shared SQLite file) beside one node (same store mode)${p.reference ? ' and one node in its default store mode' : ''}: ` +
        `1:1 latency, ${p.messages} messages of ${p.payloadBytes} B one at a time (cross-node: sender on A, receiver on B); ` +
        `fan-out to a group of ${p.members} (half on each node), ${p.fanoutMessages} messages of ${p.fanoutPayloadBytes} B × ${p.fanoutRounds} rounds…`,
    );
    report.p7 = await runP7(p7Params);
    const r = report.p7;
    console.log(
      `P7: fan-out two nodes ÷ one node ${r.ratios.throughput}× (${r.fanout.two.median.deliveriesPerSec} vs ${r.fanout.one.median.deliveriesPerSec} deliveries/s; per server-side CPU ${r.ratios.perCpu ?? '?'}×); ` +
        `cross-node p99 ${r.latency.two.p99} µs vs ${r.latency.one.p99} µs (${r.ratios.p99DeltaUs >= 0 ? '+' : ''}${r.ratios.p99DeltaUs} µs), p50 ${r.latency.two.p50} vs ${r.latency.one.p50} µs; ` +
        `stored ${r.stored.found} of ${r.stored.sent}; setup ${(r.setupMs / 1000).toFixed(1)} s, total ${(r.durationMs / 1000).toFixed(1)} s`,
    );
  }
}
if (!only || only === 's1') {
  const p = s1Params;
  console.log(`S1: search over ${p.messages} messages in ${p.conversations} conversations, ${p.requests} requests per server…`);
  report.s1 = await runS1(s1Params);
  const r = report.s1;
  console.log(`S1: seeded and indexed in ${(r.seedMs / 1000).toFixed(1)} s; raw FTS5 query p50 ${r.rawQuery.p50} µs, p99 ${r.rawQuery.p99} µs; identical JSON from both servers: ${r.sameJson ? 'yes' : 'NO'}`);
}
if (!only || only === 'u1') {
  const p = u1Params;
  console.log(`U1: ${p.uploads} uploads of ${p.sizeMiB} MiB through the server beside fs.copyFile of the same bytes, ${p.rounds} rounds…`);
  report.u1 = await runU1(u1Params);
  const r = report.u1;
  console.log(`U1: uploads ${r.upload.mbPerSec} MB/s (bare node:http ${r.bareHttp.mbPerSec} MB/s), copyFile ${r.copy.mbPerSec} MB/s, copyFile + fsync ${r.copySynced.mbPerSec} MB/s`);
}
if (!only || only === 'b1') {
  console.log(`B1: scrolling back through ${b1Params.messages} messages in the widget (headless Chromium), windowed list vs ${b1Params.baseline.slice(0, 9)}, ${b1Params.rounds} rounds…`);
  report.b1 = await runB1(b1Params);
  for (const [name, side] of [['windowed', report.b1.windowed], ['before windowing', report.b1.baseline]] as const) {
    for (const mode of ['read', 'drag'] as const) {
      const x = side[mode];
      console.log(`B1 ${mode} ${name}: ${(x.timeMs / 1000).toFixed(1)} s (stalled ${(x.stallMs / 1000).toFixed(1)} s), frames p50 ${x.frames.p50} / p95 ${x.frames.p95} / max ${x.frames.max} ms, ${x.frames.over50} of ${x.frames.count} over 50 ms, ${x.elements} elements (${x.messageElements} messages)${x.reached ? '' : ', first message NOT reached'}`);
    }
  }
  console.log(`B1: history ${report.b1.historyPx} px, ${(report.b1.idealReadMs / 1000).toFixed(1)} s at ${b1Params.speed} px/s if nothing waited`);
}
if (!only || only === 'p8') {
  const why = p8Unavailable();
  if (why) {
    console.log(`P8: skipped: ${why} (for P8: scripts/loopback-only.sh npm run bench -- --only=p8)`);
  } else {
    console.log(`P8: call setup in headless Chromium, accept → first decoded video frame, quickchat SDK vs bare RTCPeerConnection over plain ws, direct and relay-only through coturn, ${p8Params.rounds} rounds…`);
    report.p8 = await runP8(p8Params);
    const r = report.p8;
    for (const [name, side] of [['quickchat direct', r.ours.direct], ['bare direct', r.bare.direct], ['quickchat relay', r.ours.relay], ['bare relay', r.bare.relay]] as const) {
      const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
      const stages = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(`P8 ${name}: later side p50 ${ms(side.both.p50)}, p90 ${ms(side.both.p90)} (caller p50 ${ms(side.caller.p50)}, callee p50 ${ms(side.callee.p50)}; pairs ${side.selected.join(', ')})`);
      console.log(`    median ms after the accept: callee ${stages(side.stages.callee)}; caller ${stages(side.stages.caller)}`);
    }
    console.log(`P8: ours ÷ bare direct ${r.ratios.direct}×, ours relay ÷ ours direct ${r.ratios.relay}×, bare relay ÷ bare direct ${r.ratios.bareRelay}×, ${r.completedRounds} rounds in ${(r.durationMs / 1000).toFixed(1)} s`);
  }
}
if (flags.has('profile')) {
  report.profiles = {};
  if (!only || only === 'p4') {
    console.log('profile: P4 load against a server under node --cpu-prof…');
    report.profiles.p4 = await profileP4(p4Params);
  }
  if (!only || only === 'p1') {
    console.log('profile: P1 loop against a server under node --cpu-prof…');
    report.profiles.p1 = await profileP1({ ...p1Params, messages: Math.min(p1Params.messages, 5000) });
  }
  if (!only || only === 'p2') {
    console.log('profile: P2 fan-out against a server under node --cpu-prof…');
    report.profiles.p2 = await profileP2(p2Params);
  }
  if (only === 'p7' && !p7Unavailable()) {
    console.log('profile: P7 1:1 loop across two nodes + Redis, and on one node, under node --cpu-prof (printed only)…');
    const p = await profileP7(p7Params);
    console.log(p.workload);
    for (const { name, summary } of p.nodes) {
      console.log(`Top functions by self time, ${name}, ${summary.samples} samples over ${(summary.durationMs / 1000).toFixed(1)} s:`);
      for (const f of summary.functions.slice(0, 15)) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}  ${f.location}  [${f.area}]`);
      console.log(`By area: ${summary.areas.slice(0, 10).map((a) => `${a.area} ${a.pct}%`).join(', ')}\n`);
    }
  }
}
report.durationMs = Math.round(performance.now() - started);
report.machine.otherCpus = otherLoad.stop();
console.log(`other processes used ${report.machine.otherCpus ?? 'unknown'} of ${report.machine.nproc} CPUs on average during the run`);
if ((report.machine.otherCpus ?? 0) > 0.1 * report.machine.nproc) console.log('note: the machine was shared during the run; figures are noisy');

console.log(`\n${textTable(report)}\n`);
for (const p of [report.profiles?.p4, report.profiles?.p1, report.profiles?.p2]) {
  if (!p) continue;
  console.log(`Top functions by self time, ${p.workload} (${join(tmpdir(), p.file)}):`);
  for (const f of p.functions.slice(0, 10)) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}  ${f.location}  [${f.area}]`);
  console.log(`By area: ${p.areas.slice(0, 8).map((a) => `${a.area} ${a.pct}%`).join(', ')}\n`);
}

if (report.p2) report.p2.measured = { date: report.machine.date, otherCpus: report.machine.otherCpus };
if (report.p7) report.p7.measured = { date: report.machine.date, otherCpus: report.machine.otherCpus };
const write = flags.has('write') || (!flags.has('no-write') && !quick && !only);
if (flags.has('merge')) {
  if (!only) throw new Error('--merge goes with --only');
  const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchReport;
  const key = only as 'p1' | 'p2' | 'p4' | 'p5' | 'p6' | 'p6g' | 'p6b' | 'p6s' | 'p7' | 's1' | 'u1' | 'b1' | 'p8';
  if (report[key] === undefined) {
    console.log(`nothing to merge: ${only} did not run; docs not written`);
    process.exit(0);
  }
  const merged = { ...saved, [key]: report[key], ...(report.profiles ? { profiles: { ...saved.profiles, ...report.profiles } } : {}) } as BenchReport;
  console.log(`merged ${only} into the saved results of ${saved.machine.date}`);
  writeDocs(merged);
} else if (write) {
  writeDocs(report);
} else {
  console.log('docs not written (quick or partial run; pass --write to write anyway)');
}
console.log(`total ${(report.durationMs / 1000).toFixed(1)} s`);
