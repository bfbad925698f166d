import { existsSync, readFileSync } from 'node:fs';
import { figuresOf, formatRatio, P2_GOALS, P7_GOALS, P8_GOALS, U1_GOAL, type BenchReport } from './figures.js';
import type { ProfileResult } from '../profile.js';

/** Hand-written reading of the profile, kept in the repo so re-runs do not overwrite it. */
const READING_FILE = new URL('../profile-reading.md', import.meta.url);

const n = (v: number) => v.toLocaleString('en-US');
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function machine(r: BenchReport): string {
  const m = r.machine;
  const others = m.otherCpus === null ? 'unknown' : `${m.otherCpus} CPUs`;
  const rows = table(['nproc', 'CPU', 'memory', 'Node', 'OS', 'other processes during the run', 'date'], [[m.nproc, m.cpu, `${m.memGiB} GiB`, m.node, m.os, others, m.date]]);
  const busy = (m.otherCpus ?? 0) > 0.1 * m.nproc;
  const note = `> Other processes used on average ${m.otherCpus} of the ${m.nproc} CPUs while this ran, competing with both servers and the load generator: absolute figures and especially tail latencies are inflated; the ratios are less affected but not immune.`;
  return busy ? `${rows}\n\n${note}` : rows;
}

function results(r: BenchReport): string {
  const rows = figuresOf(r).map((f) => [f.id, f.metric, f.ours, f.baseline, `**${formatRatio(f.ratio)}**`, `${f.goal.op} ${f.goal.value}×`, f.met ? 'yes' : '**no**']);
  return table(['#', 'metric', 'quickchat', 'baseline', 'ratio', 'goal', 'met?'], rows);
}

function p1(r: BenchReport): string {
  const p = r.p1;
  if (!p) return '_Not run in this run._';
  const stat = (name: string, s: typeof p.relay) => [name, n(s.count), n(s.p50), n(s.p90), n(s.p99), n(s.mean), n(s.min), n(s.max)];
  return [
    `One sender and one receiver, **${n(p.params.messages)} messages** of **${p.params.payloadBytes} B** text each, one at a time: send, wait until the receiver has it, record, next. ` +
      `Connections: 2 (1 sender, 1 receiver) per server. Warm-up: ${n(p.params.warmup)} messages per server, not counted. ` +
      `The measured messages run in ${p.params.rounds} rounds alternating relay and quickchat, so noise hits both alike. Duration: ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    '- **quickchat**: two registered, befriended users on raw `ws` clients; the sender sends a `send` frame, latency ends when the receiver gets the `message` frame, which the server publishes only after the SQLite commit (the sender\'s `ack` is sent at the same time).',
    '- **bare ws relay** (`bench/baselines/ws-relay.ts`): same clients and a frame of the same shape and size; the relay parses the JSON for its `to` field and forwards the frame. No auth, storage or validation.',
    '',
    table(['server', 'messages', 'p50 µs', 'p90 µs', 'p99 µs', 'mean µs', 'min µs', 'max µs'], [stat('quickchat', p.quickchat), stat('bare ws relay', p.relay)]),
    '',
    `Ratios quickchat ÷ relay: p50 ${formatRatio(p.ratios.p50)}, p99 ${formatRatio(p.ratios.p99)}, mean ${formatRatio(p.ratios.mean)}.`,
  ].join('\n');
}

function p2(r: BenchReport): string {
  const p = r.p2;
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const cpu = (v: number | null) => (v === null ? '?' : v.toFixed(2));
  const systems = [
    ['quickchat', p.quickchat],
    ['bare ws broadcast', p.bare],
    ['socket.io 4 room', p.socketio],
  ] as const;
  const rows = systems.map(([name, s]) => [
    name,
    `**${n(s.median.deliveriesPerSec)}**`,
    s.rounds.map((round) => n(round.deliveriesPerSec)).join(' · '),
    `${(s.median.elapsedMs / 1000).toFixed(2)} s`,
    mainThread(s.median.serverMainThread),
    cpu(s.median.serverCpus),
    Number.isFinite(perCpu(s)) ? n(Math.round(perCpu(s))) : '?',
    cpu(s.median.receiverCpus),
    cpu(s.median.parentCpus),
    cpu(s.median.machineCpus),
    s.median.bytesPerDelivery ?? '—',
    s.median.deliveriesPerWrite ?? '?',
  ]);
  const measured = p.measured && p.measured.date !== r.machine.date ? ` Measured ${p.measured.date} in a run of P2 alone (other processes used ${p.measured.otherCpus ?? 'unknown'} CPUs meanwhile).` : '';
  return [
    `**One group of ${n(x.members)} members, every one connected** (one socket each); one member sends **${n(x.messages)} messages of ${x.payloadBytes} B** text per round and **every member, the sender included, receives each one**: ` +
      `${n(x.messages * x.members)} deliveries per round and system. The sender keeps at most **${x.window} messages** ahead of its own copies and at most **${x.lag}** ahead of the slowest receiving socket. ` +
      'Every server writes the sender\'s copy last (the sender joined last; quickchat sends it last by design), so the first bound follows the server\'s progress and keeps work queued for it all the time; the second bounds how far receivers may fall behind, and so the send buffers. ' +
      `Deliveries/s = messages × members ÷ the time from the first send to the last member's receipt of the last message. ${x.rounds} rounds after ${n(x.warmup)} warm-up messages per system; each round runs the three systems one after the other, rotating which goes first; the median round of each is reported. ` +
      `Duration: ${(p.durationMs / 1000).toFixed(1)} s, of which ${(p.setupMs / 1000).toFixed(1)} s seeding, connecting ${n(x.members * 3)} sockets and warming up.${measured}`,
    '',
    '- **quickchat**: the real server (`createServer`, SQLite in a temporary directory) on a group of all the members, seeded through the store before the server starts (`bench/lib/fanout.ts`: the members as bring-your-own-identity users, the group with its `created` notice); each member signs in on its socket with an HS256 token. ' +
      `The sender sends \`send\` frames; each message is committed to SQLite before it is published to the group (stored afterwards: ${n(p.stored.found)} of the ${n(p.stored.sent)} messages sent, ${p.stored.found === p.stored.sent ? 'all' : '**not all**'}).`,
    '- **bare ws broadcast** (`bench/baselines/ws-broadcast.ts`): each incoming frame goes out with `for (const s of sockets) s.send(text)`, so `ws` encodes and frames it once per socket. No auth, storage or validation. ' +
      'The sender sends the JSON of a quickchat `message` frame for the same group, sender and text, with fields of the same lengths, so every system puts the same bytes per delivery on the wire.',
    `- **socket.io 4 room** (\`bench/baselines/socketio-room.ts\`): every socket joins one room; the sender (on \`socket.io-client\`) emits that frame as an object and the server broadcasts it with \`io.to(room).emit('m', payload)\`. WebSocket transport only, otherwise socket.io's defaults.`,
    `- **Receivers**: the other ${n(x.members - 1)} member sockets of each system live in ${x.receiverProcesses} receiver processes (\`bench/clients/p2-receivers.ts\`), the same plain \`ws\` client for all three systems: each counts its frames by their first bytes, without parsing them ` +
      `(${x.socketioClient ? "socket.io's on the real `socket.io-client`" : "socket.io's speak the engine.io protocol by hand: open, namespace connect, ping/pong"}). ` +
      (p.pinned
        ? "The servers' main threads are bound to CPU 0 and the receivers and the sender to the other CPU(s) (`taskset`), so a server's event loop has a core to itself and never competes with its clients; the servers' other threads (GC helpers, SQLite's checkpointer) are not bound."
        : 'Servers and clients were not bound to CPUs: they competed for the same cores.'),
    '',
    table(['system', 'deliveries/s (median round)', 'each round', 'median round took', "server's main thread: ran / waited for a CPU / idle", 'server CPUs (all threads)', 'deliveries per server CPU-second', 'receivers CPUs', 'sender CPUs', 'whole machine CPUs', 'bytes/delivery', 'deliveries per write syscall'], rows),
    '',
    `Ratios of the medians: quickchat ÷ bare ws **${formatRatio(p.ratios.quickchatToBare)}** (goal ≥ ${P2_GOALS.bare}×), quickchat ÷ socket.io **${formatRatio(p.ratios.quickchatToSocketio)}** (goal ≥ ${P2_GOALS.socketio}×), socket.io ÷ bare ws ${formatRatio(p.ratios.socketioToBare)}. ` +
      '"CPUs" are CPU time over the median round\'s wall time, read from `/proc` (1.00 = one core busy throughout). The server\'s main thread (its event loop) either ran, or was runnable but waited for a CPU that something else held, or was idle with nothing to do (`/proc/<pid>/schedstat`); ' +
 'a main thread that was hardly ever idle had work queued all the time, so the clients kept it saturated and the pace was the server\'s. ' +
      'Deliveries per CPU-second of the server process (all its threads) do not depend on how much of a core the server got, so they cross-check the ratios when the machine is shared: ' +
      `quickchat ÷ bare ws ${formatRatio(perCpu(p.quickchat) / perCpu(p.bare))}, quickchat ÷ socket.io ${formatRatio(perCpu(p.quickchat) / perCpu(p.socketio))}. ` +
      '"bytes/delivery" is the mean size of a broadcast message as the receivers got it (the WebSocket payload). ' +
      '"Deliveries per write syscall" counts the server\'s write-type system calls over the round (`syscw` in `/proc/<pid>/io`; quickchat\'s include SQLite\'s few per commit): ' +
      'the bare broadcast and socket.io write each frame to each socket with a system call of its own, ' +
      'while quickchat corks each socket for the rest of an event-loop tick, so the frames of all the messages a tick fans out leave for one socket in one `writev`. ' +
      'socket.io builds the WebSocket frame once per broadcast (`wsPreEncodedFrame`), quickchat encodes the frame\'s UTF-8 once per node and `ws` adds a header per socket, the bare broadcast encodes and frames per socket. ' +
      `${p2Bottleneck(p, r.machine.nproc)}${p.complete ? '' : ' **The deadline cut the rounds short.**'}`,
  ].join('\n');
}

/** Deliveries per CPU-second of the server process, all threads, in the median round (NaN: unknown). */
function perCpu(s: NonNullable<BenchReport['p2']>['bare']): number {
  const c = s.median.serverCpus;
  return c ? s.median.deliveriesPerSec / c : NaN;
}

/** `0.62 / 0.30 / 0.08` of the round. */
function mainThread(m: { running: number; waitingForCpu: number } | null): string {
  return m ? `${m.running.toFixed(2)} / ${m.waitingForCpu.toFixed(2)} / ${Math.max(0, 1 - m.running - m.waitingForCpu).toFixed(2)}` : '?';
}

/**
 * Says, from the median rounds, whether the servers or the clients set the pace: a server whose
 * main thread was idle less than 10 % of the round always had work queued (the clients kept it
 * saturated); one idle longer waited for its clients.
 */
function p2Bottleneck(p: NonNullable<BenchReport['p2']>, nproc: number): string {
  const named = [['quickchat', p.quickchat], ['bare ws', p.bare], ['socket.io', p.socketio]] as const;
  const clientCores = p.pinned ? nproc - 1 : nproc;
  const clients = Math.max(...named.map(([, s]) => s.median.receiverCpus + s.median.parentCpus));
  const idleOf = (m: { running: number; waitingForCpu: number } | null) => (m ? 1 - m.running - m.waitingForCpu : 1);
  const starved = named.filter(([, s]) => idleOf(s.median.serverMainThread) >= 0.1).map(([name]) => name);
  const waited = Math.max(...named.map(([, s]) => s.median.serverMainThread?.waitingForCpu ?? 0));
  const where = `the clients (receivers and sender) used at most ${clients.toFixed(2)} of the ${clientCores} CPU${clientCores === 1 ? '' : 's'} ${p.pinned ? 'they were bound to' : 'of the machine'}`;
  const noise = waited >= 0.1 ? ` The servers' main threads waited for a CPU up to ${Math.round(waited * 100)} % of a round: ${p.pinned ? 'their core was taken by other processes on the machine' : 'the cores were shared'}, which slows all three alike and makes the absolute figures low; the ratios are less affected.` : '';
  const tight = clients >= 0.9 * clientCores ? ` Their core${clientCores === 1 ? ' was' : 's were'} nearly full in the busiest case, so little headroom was left: a server that outran them would show it as idle time.` : '';
  if (starved.length === 0) return `No server's main thread was idle 10 % of its median round, and ${where}: the receivers kept up, they were not the bottleneck.${tight}${noise}`;
  return `The ${starved.join(' and ')} server's main thread was idle at least 10 % of its median round while ${where}: it waited for its clients part of the time (the slowest receiver, through the lag bound, or the sender).${noise}`;
}

function p4(r: BenchReport): string {
  const p = r.p4;
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const rounds = p.rounds.map((round, i) => [i + 1, n(round.quickchat.perSec), n(round.raw.perSec), formatRatio(round.quickchat.perSec / round.raw.perSec), round.quickchat.complete ? '' : 'stopped by deadline']);
  const bracket = 'Each round runs the raw baseline, then quickchat, then the raw baseline again; the round\'s baseline is the mean of the two.';
  return [
    `**${n(x.pairs * 2)} connected users in ${n(x.pairs)} DM pairs**, each pair chatting both ways; each user keeps **${x.window} unacked sends** in flight. ` +
      `**${n(x.messages)} messages of ${x.payloadBytes} B** text per round, ${x.rounds} rounds, after ${n(x.warmup)} warm-up messages. ` +
      `Throughput = acked messages ÷ time from first send to last ack (an ack is sent only after the commit). Duration: ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    `Baseline: raw better-sqlite3 inserting the same rows (same schema, from the server's migrations; WAL, synchronous NORMAL; per row exactly what the store writes for a DM message: the row, with its per-sender count; message ids from the server's own generator) in transactions of ${x.batch} rows, in this process, timing the inserts only. ${bracket}`,
    '',
    table(['round', 'quickchat msg/s', 'raw better-sqlite3 rows/s', 'ratio', ''], rounds),
    '',
    `Mean: quickchat ${n(p.quickchat.perSec)} msg/s, raw ${n(p.raw.perSec)} rows/s, ratio ${formatRatio(p.ratio)}. ` +
      'The load generator (this process: all clients, parsing every ack and `message` frame) shares the machine\'s cores with the server; the raw baseline has a core to itself.',
  ].join('\n');
}

function p5(r: BenchReport): string {
  const p = r.p5;
  if (!p) return '_Not run in this run._';
  const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
  return [
    `A receiver on the **real SDK** (Node, \`ws\`) disconnects; the sender sends **${n(p.params.missed)} messages of ${p.params.payloadBytes} B** and waits for every ack; ` +
      'the receiver calls `connect()`, and the clock stops when the SDK has surfaced the last missed message. It checks that every message surfaced exactly once, in seq order. ' +
      `The catch-up is the sync reply (100 messages) plus REST backfill of the \`limited\` conversation (${n(p.backfilled)} messages over REST in the last round). ` +
      `${p.params.rounds} rounds on one server, in the same run as P1. Duration: ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    table(['rounds', 'p50', 'slowest', 'fastest', 'goal'], [[p.catchUp.count, ms(p.catchUp.p50), ms(p.catchUp.max), ms(p.catchUp.min), '< 300 ms']]),
    '',
    'P5\'s goal is absolute (all surfaced in under 0.3 s), so its "ratio" in the results table is the slowest round divided by the 300 ms budget.',
  ].join('\n');
}

/** One read benchmark's latency table (P6, P6b). */
function readTable(q: { quickchat: NonNullable<BenchReport['p6']>['quickchat']; baseline: NonNullable<BenchReport['p6']>['baseline'] }): string {
  const stat = (name: string, s: typeof q.quickchat) => [name, n(s.count), n(s.p50), n(s.p90), n(s.p99), n(s.mean), n(s.min), n(s.max)];
  return table(['server', 'requests', 'p50 µs', 'p90 µs', 'p99 µs', 'mean µs', 'min µs', 'max µs'], [stat('quickchat (REST)', q.quickchat), stat('bare node:http + raw SQL', q.baseline)]);
}

const READ_METHOD =
  'Both servers run at once on the same SQLite file, seeded beforehand through the store\'s own API (`bench/lib/seed.ts`). ' +
  'One client in this process sends sequential GETs over one keep-alive connection to each; rounds alternate which server goes first. ' +
  'The baseline (`bench/baselines/read-http.ts`) is a bare `node:http` server that runs the store\'s SQL with better-sqlite3 and writes the same JSON, with no auth, validation or framework; ' +
  'quickchat verifies the access token, checks access, validates the query and goes through Express.';

function p6(p: BenchReport['p6']): string {
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const where = x.groupMembers
    ? `One group of **${n(x.groupMembers)} members** with **${n(x.messages)} messages** of ${x.payloadBytes} B text (ten members talk; the reader is a member whose floor is 0, so the access seam checks their membership and every page is bounded by the floor)`
    : `One DM of **${n(x.messages)} messages** of ${x.payloadBytes} B text`;
  return [
    `${where}; each request asks for **${x.pageSize} messages before a pseudo-random seq** (the same sequence for both servers), ` +
      `i.e. \`GET /api/conversations/:id/messages?before=<seq>&limit=${x.pageSize}\`. ${n(p.requests)} timed requests per server in ${x.rounds} rounds after ${n(x.warmup)} warm-up requests; ` +
      `response ${n(p.responseBytes)} B; identical JSON from both: ${p.sameJson ? 'yes' : '**no**'}. Seeding took ${(p.seedMs / 1000).toFixed(1)} s; the run ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    READ_METHOD,
    '',
    readTable(p),
    '',
    `Ratios quickchat ÷ baseline: p50 ${formatRatio(p.ratios.p50)}, p99 ${formatRatio(p.ratios.p99)} (goal ≤ 1.5× for both).`,
  ].join('\n');
}

function p6b(p: BenchReport['p6b']): string {
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const who = x.groupMembers
    ? `One user in **${n(x.conversations)} groups of ${n(x.groupMembers)} members** whose other members sent **${n(x.backlog)} messages** (${x.payloadBytes} B text), none read; each request is the user\'s conversation list, ` +
      `\`GET /api/conversations\`: the summaries a \`sync\` returns, read by the same store query (each group with its brief, the user\'s floor, unread count, last message, and only the user\'s own cursor, since the groups are above the live-receipts size). `
    : `One user in **${n(x.conversations)} DMs** whose peers sent **${n(x.backlog)} messages** (${x.payloadBytes} B text), none read; each request is the user\'s conversation list, ` +
      `\`GET /api/conversations\` (every conversation with its unread count, both members\' cursors and the last message). `;
  return [
    who +
      `${n(p.requests)} timed requests per server in ${x.rounds} rounds after ${n(x.warmup)} warm-up requests; response ${n(p.responseBytes)} B; identical JSON from both: ${p.sameJson ? 'yes' : '**no**'}. ` +
      `Seeding took ${(p.seedMs / 1000).toFixed(1)} s; the run ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    READ_METHOD,
    '',
    readTable(p),
    '',
    `Ratios quickchat ÷ baseline: p50 ${formatRatio(p.ratios.p50)}, p99 ${formatRatio(p.ratios.p99)} (held to P6\'s ≤ 1.5×).`,
  ].join('\n');
}

function s1(p: BenchReport['s1']): string {
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const raw = p.rawQuery;
  return [
    `One user in **${n(x.conversations)} DMs holding ${n(x.messages)} messages** (eight words each from a ${n(x.vocabulary)}-word vocabulary with a Zipf-like spread; one message in ten is twelve Chinese characters), ` +
      `seeded through the store and indexed by its search indexer (\`bench/lib/seed-search.ts\`). Each request is \`GET /api/search?q=<words>&limit=${x.pageSize}\`, cycling through a common word, a mid-frequency word, a rare word, two words and two Chinese characters. ` +
      `${n(p.requests)} timed requests per server in ${x.rounds} rounds after ${n(x.warmup)} warm-up requests; first response ${n(p.responseBytes)} B; identical JSON from both: ${p.sameJson ? 'yes' : '**no**'}. ` +
      `Seeding and indexing took ${(p.seedMs / 1000).toFixed(1)} s; the run ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    'The baseline (`bench/baselines/search-http.ts`) is a bare `node:http` server that runs the store\'s own FTS5 query (imported from `store/sqlite/search.ts`) and builds the same JSON and snippets, with no auth, validation, framework or access checks; ' +
      'both run at once on the same SQLite file, as for P6.',
    '',
    readTable(p),
    '',
    `The raw FTS5 query alone, in the benchmark\'s own process (no HTTP), for the same queries: p50 ${n(raw.p50)} µs, p90 ${n(raw.p90)} µs, p99 ${n(raw.p99)} µs.`,
    '',
    `Ratios quickchat ÷ baseline: p50 ${formatRatio(p.ratios.p50)}, p99 ${formatRatio(p.ratios.p99)} (held to P6\'s ≤ 1.5×).`,
  ].join('\n');
}

function u1(r: BenchReport): string {
  const p = r.u1;
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const row = (name: string, side: NonNullable<BenchReport['u1']>['upload']) => [name, `${n(side.ms)} ms`, `${n(side.mbPerSec)} MB/s`];
  return [
    `**${n(x.uploads)} files of ${x.sizeMiB} MiB** (a PDF header, then random bytes) uploaded one after another to the real server (a child process) with \`POST /api/uploads\` over one keep-alive connection: ` +
      'each is streamed through the size cap and the type sniffer to a file under the data directory, fsynced, renamed into place and recorded in SQLite. ' +
      `Beside it, in the same run and file system, \`fs.copyFile\` of the same bytes as many times, the same copies each followed by an fsync, ` +
      'and the same uploads to a bare `node:http` server that only writes each body to a file and flushes it (`bench/baselines/upload-http.ts`: no auth, checks, rename or database), for what any HTTP upload costs on the machine. ' +
      `Times are the median of ${x.rounds} rounds (after one warm-up upload); MB is 10^6 bytes. The run took ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    table(['what', 'time', 'throughput'], [
      row('uploads through the quickchat server', p.upload),
      row('uploads to a bare node:http server', p.bareHttp),
      row('fs.copyFile', p.copy),
      row('fs.copyFile + fsync', p.copySynced),
    ]),
    '',
    `Ratio quickchat ÷ bare node:http uploads: ${formatRatio(p.upload.mbPerSec / p.bareHttp.mbPerSec)} (goal ≥ ${U1_GOAL}×); ` +
      `beside a plain file copy: uploads ÷ copyFile ${formatRatio(p.ratio)}, uploads ÷ copyFile + fsync ${formatRatio(p.upload.mbPerSec / p.copySynced.mbPerSec)} ` +
      '(a copy on a warm page cache runs at memory speed, which no network upload can; the copy with fsync is the closer comparison).',
  ].join('\n');
}

function b1(r: BenchReport): string {
  const p = r.b1;
  if (!p) return '_Not run in this run._';
  const x = p.params;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const row = (scenario: string, name: string, v: NonNullable<BenchReport['b1']>['windowed']['read']) => [
    scenario,
    name,
    s(v.timeMs),
    s(v.stallMs),
    v.frames.p50,
    v.frames.p95,
    v.frames.max,
    n(v.frames.over50),
    n(v.elements),
    n(v.messageElements),
    v.reached ? 'yes' : '**no**',
  ];
  const ratio = (a: number, b: number) => formatRatio(b === 0 ? 0 : a / b);
  return [
    `The widget (the script-tag bundle) in **headless Chromium** against the real server (a child process): a DM of **${n(x.messages)} messages** (short, multi-line long and emoji-only, over 8 days, so day separators), ` +
      `seeded through the store's API; the reader opens it in the launcher panel (380×600) and scrolls back until the first message is at the top and nothing older exists. ` +
      `Two scenarios: **read**, scrolling up at ${n(x.speed)} px/s (the whole history is ${n(p.historyPx)} px, so ${s(p.idealReadMs)} if nothing ever waited), and **drag**, holding the scroll position at the top every frame (pure page loading). ` +
      `Frame times are \`requestAnimationFrame\` deltas over the whole scroll; "stalled" is the time spent at the top waiting for an older page; elements are everything inside the log at the end. ` +
      `${x.rounds} round(s) per scenario and implementation, alternating which goes first, each in a fresh browser context; times are medians, frames pooled. Seeding took ${s(p.seedMs)}; the run ${s(p.durationMs)}.`,
    '',
    `Baseline: the same widget before windowing, i.e. the widget, SDK and protocol sources of commit \`${x.baseline.slice(0, 12)}\` (read with \`git show\`, bundled by the same esbuild call), measured in the same run on the same server and data.`,
    '',
    table(['scenario', 'list', 'time to the first message', 'stalled', 'frame p50 ms', 'frame p95 ms', 'frame max ms', 'frames > 50 ms', 'elements in the list', 'message elements', 'reached?'], [
      row('read', 'windowed', p.windowed.read),
      row('read', 'before windowing', p.baseline.read),
      row('drag', 'windowed', p.windowed.drag),
      row('drag', 'before windowing', p.baseline.drag),
    ]),
    '',
    `Ratios windowed ÷ before: read time ${ratio(p.windowed.read.timeMs, p.baseline.read.timeMs)}, read frame p95 ${ratio(p.windowed.read.frames.p95, p.baseline.read.frames.p95)}, ` +
      `drag time ${ratio(p.windowed.drag.timeMs, p.baseline.drag.timeMs)}, drag frame p95 ${ratio(p.windowed.drag.frames.p95, p.baseline.drag.frames.p95)}, elements ${ratio(p.windowed.read.elements, p.baseline.read.elements)}.`,
  ].join('\n');
}

function p7(r: BenchReport): string {
  const p = r.p7;
  if (!p) return '_Not run in this run (it needs `redis-server`: `npm run bench -- --only=p7 --merge`)._';
  const x = p.params;
  const cpu = (v: number | null) => (v === null ? '?' : v.toFixed(2));
  const stat = (name: string, s: typeof p.latency.one) => [name, n(s.count), n(s.p50), n(s.p90), n(s.p99), n(s.mean), n(s.min), n(s.max)];
  const names = { two: 'two nodes + Redis', one: 'one node, shared-writer store', default: 'one node, default store (reference)' } as const;
  const deployments = (['two', 'one', 'default'] as const).filter((d) => p.fanout[d] !== undefined);
  const perMessage = (d: (typeof deployments)[number]) => p.latencyCpu[d]!.map((s) => `${s.name} ${s.usPerMessage ?? '?'} / ${s.waitUsPerMessage ?? '?'}`).join(', ');
  const split = (q: { p50: number; p99: number }) => `${n(q.p50)} / ${n(q.p99)}`;
  const latencyRows = deployments.map((d) => [
    ...stat(d === 'two' ? `${names.two} (sender on A, receiver on B)` : names[d], p.latency[d]!),
    split(p.latencySplit[d]!.toAck),
    split(p.latencySplit[d]!.ackToReceiver),
    perMessage(d),
  ]);
  latencyRows.push([...stat('bare Redis PUBLISH → subscriber hop', p.redisHop), '—', '—', '—']);
  const fanoutRows = deployments.map((d) => {
    const f = p.fanout[d]!;
    const m = f.median;
    return [
      names[d],
      `**${n(m.deliveriesPerSec)}**`,
      f.rounds.map((round) => n(round.deliveriesPerSec)).join(' · '),
      `${(m.elapsedMs / 1000).toFixed(2)} s`,
      m.serverSide.map((s) => `${s.name} ${cpu(s.cpus)}`).join(', '),
      m.serverSideCpus ? n(Math.round(m.deliveriesPerSec / m.serverSideCpus)) : '?',
      mainThread(m.serverMainThread),
      m.deliveriesPerWrite ?? '?',
      cpu(m.receiverCpus),
      cpu(m.parentCpus),
      cpu(m.machineCpus),
    ];
  });
  const cpuOf = (d: 'two' | 'one') => p.latencyCpu[d].reduce((sum, s) => sum + (s.usPerMessage ?? NaN), 0);
  const waitOf = (d: 'two' | 'one') => p.latencyCpu[d].reduce((sum, s) => sum + (s.waitUsPerMessage ?? NaN), 0);
  const nodeA = p.latencyCpu.two[0]?.usPerMessage ?? NaN;
  const us0 = (v: number) => (Number.isFinite(v) ? `${n(Math.round(v))} µs` : '?');
  const where =
    `Per message, the two-node deployment's processes used ${us0(cpuOf('two'))} of CPU in all (node A alone ${us0(nodeA)}) against ${us0(cpuOf('one'))} for the one node, ` +
    `and their main threads waited ${us0(waitOf('two'))} for a CPU against ${us0(waitOf('one'))}: the extra stages of the path (A's flush to Redis a turn after the commit, Redis, B's read, decode and write) ` +
    `and node A delivering its own publishes when Redis echoes them back (the sender's copy and ack travel on the sender's topic, and every node takes a topic's messages in Redis's one order), with the clients and the machine's other processes on the same ${r.machine.nproc} CPUs.`;
  const signed = (us: number) => `${us >= 0 ? '+' : '−'}${n(Math.abs(us))} µs`;
  const measured = p.measured
    ? ` Measured ${p.measured.date}${p.measured.date !== r.machine.date ? ' in a run of P7 alone' : ''}; other processes used ${p.measured.otherCpus ?? 'unknown'} of the ${r.machine.nproc} CPUs meanwhile` +
      ((p.measured.otherCpus ?? 0) > 0.1 * r.machine.nproc ? ', so the machine was shared: tail latencies especially are inflated, and a deployment of more processes suffers more from it.' : '.')
    : '';
  return [
    `Three deployments of the real server (\`createServer\` in child processes, as in every benchmark here), each on its own freshly seeded data directory, run **side by side in the same run**: ` +
      `**two nodes** started with a Redis URL (\`redisUrl\`, i.e. \`--redis-url\`, so the \`@quickchat/bus-redis\` bus, presence and call registry) on one real \`redis-server\` (\`--save '' --appendonly no\`, 127.0.0.1), both in **shared-writer mode** (\`sqliteSharedWriter\`, i.e. \`--sqlite-shared-writer\`) on the same data directory; ` +
      `**one node** in the same shared-writer store mode without Redis, so the only difference is the second node and Redis${p.fanout.default ? '; and one node in its default store mode, for reference' : ''}. Everything on 127.0.0.1.${measured}`,
    '',
    `- **Cross-node 1:1 latency**, measured as P1 measures it: two registered, befriended users on raw \`ws\` clients, **${n(x.messages)} messages of ${x.payloadBytes} B** per deployment, one at a time: send, wait until the receiver has the \`message\` frame, record, next. ` +
      `With two nodes **the sender is connected to node A and the receiver to node B**, so every message is committed by A, published to Redis and delivered by B. ${n(x.warmup)} warm-up messages per deployment; ${x.rounds} rounds rotating which deployment goes first. ` +
      'In the same rounds, a bare Redis hop is timed from this process: a PUBLISH of an envelope the size of a cross-node DM on one raw connection until it arrives on another, SUBSCRIBEd one (no client library): the floor of what two nodes add. Not bound to CPUs (as P1).',
    `- **Group fan-out**, measured as P2 measures it: one group of **${n(x.members)} members, all connected**, seeded through the store (bring-your-own-identity members, as P2); one member sends **${n(x.fanoutMessages)} messages of ${x.fanoutPayloadBytes} B** per round and every member, the sender included, receives each one. ` +
      `With two nodes **${n(p.split[0])} members are connected to node A (the sender among them) and ${n(p.split[1])} to node B**; with one node all of them are on it. ` +
      `The sender keeps at most ${x.window} messages ahead of its own copies and ${x.lag} ahead of the slowest receiving socket; deliveries/s = messages × members ÷ first send → last receipt. The receiving sockets live in ${x.receiverProcesses} receiver processes per deployment (\`bench/clients/p2-receivers.ts\`; with two nodes, half of the processes on each node). ` +
      `${n(x.fanoutWarmup)} warm-up messages per deployment, then ${x.fanoutRounds} rounds rotating which deployment goes first; the median round of each is reported. ` +
      (p.pinned
        ? "The server side is bound to CPU 0 (every node's main thread and Redis, `taskset`) and the clients to the other CPU(s), as in P2: each deployment gets the same one CPU for serving, so the ratio measures what splitting the work over two nodes and Redis costs, not extra cores."
        : 'Nothing was bound to CPUs: servers, Redis and clients shared the cores.'),
    '',
    table(['deployment', 'messages', 'p50 µs', 'p90 µs', 'p99 µs', 'mean µs', 'min µs', 'max µs', "send → sender's ack p50 / p99 µs", 'ack → receiver p50 / p99 µs', 'server-side CPU / main thread waited for a CPU, per message, µs'], latencyRows),
    '',
    `Cross-node minus one node: p50 **${signed(p.ratios.p50DeltaUs)}**, p99 **${signed(p.ratios.p99DeltaUs)}** (goal: p99 ≤ one node's + ${n(P7_GOALS.p99SlackUs)} µs). The bare Redis hop alone: p50 ${n(p.redisHop.p50)} µs, p99 ${n(p.redisHop.p99)} µs. ` +
      'The sender\'s `ack` is published with the message after node A\'s commit: with one node it is written at once, after the receiver\'s copy (so "ack → receiver" is below zero); with two nodes once A has flushed the turn\'s publishes to Redis and Redis has echoed them back to it. So "send → ack" is node A\'s part and a Redis round trip, and with two nodes "ack → receiver" is the rest: the hop and node B. ' +
      'CPU per message is each serving process\'s CPU time (all threads, from `/proc`) over its latency loops divided by their messages; "waited" is how long its main thread was runnable but had no CPU (`/proc/<pid>/schedstat`), per message: time lost to the other processes of the run and of the machine. ' +
      where,
    '',
    table(['deployment', 'deliveries/s (median round)', 'each round', 'median round took', 'server side CPUs', 'deliveries per server-side CPU-second', "main thread (node A's with two): ran / waited for a CPU / idle", 'deliveries per write syscall (node A with two)', 'receivers CPUs', 'sender CPUs', 'whole machine CPUs'], fanoutRows),
    '',
    `Two nodes ÷ one node: **${formatRatio(p.ratios.throughput)}** deliveries/s (goal ≥ ${P7_GOALS.throughput}×), ${p.ratios.perCpu === null ? '?' : formatRatio(p.ratios.perCpu)} deliveries per server-side CPU-second` +
      `${p.ratios.sharedWriterToDefault === undefined ? '' : `; one node shared-writer ÷ default store mode ${formatRatio(p.ratios.sharedWriterToDefault)}`}. ` +
      '"Server side CPUs" is the CPU time of each serving process (both nodes and Redis, all threads) over the median round\'s wall time, from `/proc`; "deliveries per server-side CPU-second" does not depend on how much CPU the deployment got, so it shows what the second node and Redis cost in work. ' +
      `The shared store holds ${n(p.stored.found)} of the ${n(p.stored.sent)} group messages the two-node sender sent (${p.stored.found === p.stored.sent ? 'all' : '**not all**'}). ` +
      `Setup (seeding, starting ${p.fanout.default ? 4 : 3} nodes and Redis, connecting ${n(x.members * deployments.length)} sockets) took ${(p.setupMs / 1000).toFixed(1)} s of the ${(p.durationMs / 1000).toFixed(1)} s.${p.complete ? '' : ' **The deadline cut the fan-out rounds short.**'}`,
  ].join('\n');
}

function p8(r: BenchReport): string {
  const p = r.p8;
  if (!p) return '_Not run in this run (it runs only inside a loopback-only network namespace, with Chromium and coturn installed)._';
  const ms = (us: number) => (us / 1000).toFixed(0);
  const variants = [
    ['quickchat', 'direct', p.ours.direct],
    ['bare', 'direct', p.bare.direct],
    ['quickchat', 'relay only', p.ours.relay],
    ['bare', 'relay only', p.bare.relay],
  ] as const;
  const rows = variants.map(([impl, mode, v]) => [impl, mode, v.selected.join(', '), `**${ms(v.both.p50)}**`, ms(v.both.p90), ms(v.caller.p50), ms(v.caller.p90), ms(v.callee.p50), ms(v.callee.p90), ms(v.decoded.p50), ms(v.decoded.p90)]);
  const stage = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(0));
  const stageRows = variants.flatMap(([impl, mode, v]) =>
    (['callee', 'caller'] as const).map((side) => {
      const s = v.stages[side];
      return [`${impl} ${mode}`, side, stage(s.media), stage(s.pc), stage(s.remoteDescription), stage(s.ice), stage(s.connected), stage(s.decoded), stage(s.frame)];
    }),
  );
  const od = p.ours.direct.stages;
  const bd = p.bare.direct.stages;
  const gap = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '?' : (a - b).toFixed(0));
  const vs = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '? ms later' : a >= b ? `${(a - b).toFixed(0)} ms later` : `${(b - a).toFixed(0)} ms earlier`);
  return [
    `Two pages (each its own browser context) in **one headless Chromium** (${p.chromium}, Chromium's fake camera and microphone, \`--allow-loopback-in-peer-connection\`) place an audio+video call; the callee accepts, and the clock runs **from the callee's accept to the first video frame of the peer shown on each side**: ` +
      'the first `requestVideoFrameCallback` of the remote `<video>`, i.e. the first decoded frame composited. Each call is also timed to the first `framesDecoded > 0` of the video `inbound-rtp` in `getStats()` (polled every 5 ms once the peer connection is connected), shown for comparison: it comes tens of ms after the frame, since WebRTC serves a cached stats report for up to 50 ms, so the frame callback is the measure. ' +
      'The same probe runs in every page before its own scripts (it wraps `RTCPeerConnection` and `getUserMedia` to mark each stage); times on the two pages are read from `performance.timeOrigin + performance.now()`, one clock for the machine. ' +
      `A call counts as set up once **both** sides show video, so the figures use the later side. **${p.completedRounds} rounds** after one warm-up round, in the same run and browser; each round makes four calls (each implementation direct and relay only), alternating which implementation goes first, every call in two fresh pages. The run took ${(p.durationMs / 1000).toFixed(1)} s.`,
    '',
    '- **quickchat**: the real server in a child process (`createServer`, TURN URL and secret configured) and the SDK with its calls entry (`@quickchat/sdk/calls`, with the simple-peer it bundles) in each page (`packages/sdk/test/support/calls-page.ts`, bundled as an app bundles it). ' +
      'The caller `place()`s a video call (it fetches ICE servers from `GET /api/turn-credentials` while it opens its camera, before it rings), the callee\'s session fetches its own TURN credentials while it rings, and its `accept({ audio, video })` opens its camera, sends `accept` and, once the server accepted, both make their simple-peer; SDP and ICE go through the server, which relays them only between the two bound sessions.',
    '- **bare** (`bench/baselines/rtc-call-page.ts`): one `RTCPeerConnection` per page, offer/answer and trickled ICE as JSON over plain `ws` through the bare relay (`bench/baselines/ws-relay.ts`); no SDK, no simple-peer (so no data channel), no server-side lifecycle. ' +
      'It takes the SDK\'s steps in the same order: the caller opens its camera, then rings; on accept the callee opens its camera, makes its peer connection and says `accept`; the caller then makes its peer connection and offers. Its TURN REST credential is computed in the benchmark from the same secret.',
    '- **direct**: both sides are given the TURN server and ICE picks the host pair on loopback; **relay only**: `iceTransportPolicy: \'relay\'`, so media goes through the coturn the benchmark starts on 127.0.0.1 (`packages/server/test/support/coturn.ts`). The selected candidate pair (local/remote) of every call is checked from `getStats()`.',
    '',
    table(['implementation', 'ICE', 'selected pair', 'both sides p50 ms', 'p90', 'caller p50', 'p90', 'callee p50', 'p90', 'framesDecoded > 0 p50', 'p90'], rows),
    '',
    `Ratios of the p50s (later side): quickchat ÷ bare, direct **${formatRatio(p.ratios.direct)}** (goal ≤ ${P8_GOALS.direct}×); quickchat relay only ÷ quickchat direct **${formatRatio(p.ratios.relay)}** (goal ≤ ${P8_GOALS.relay}×); bare relay only ÷ bare direct ${formatRatio(p.ratios.bareRelay)}, for context.`,
    '',
    '**Where the time goes**: median ms after the accept at which each page reached each stage (`media`: its `getUserMedia` resolved, the caller\'s long before the accept; `pc`: its peer connection was made; `remote SDP`: it applied the peer\'s offer or answer; `ICE`: `iceConnectionState` connected; `DTLS`: `connectionState` connected; `decoded`: `framesDecoded > 0`; `frame`: the first remote frame shown).',
    '',
    table(['call', 'side', 'media', 'pc', 'remote SDP', 'ICE', 'DTLS', 'decoded', 'frame'], stageRows),
    '',
    `Direct, the quickchat callee makes its peer connection ${vs(od.callee.pc, bd.callee.pc)} than the bare one (after opening its camera its accept waits for the server's \`accepted\` before the peer is made; its TURN credentials were fetched while it rang) and the quickchat caller makes its own ${vs(od.caller.pc, bd.caller.pc)} (the server's \`accepted\` against the relay's forwarded \`accept\`); ` +
      `from the caller's peer connection to DTLS connected takes ${gap(od.caller.connected, od.caller.pc)} ms for quickchat and ${gap(bd.caller.connected, bd.caller.pc)} ms bare, and from DTLS connected to the first frame ${gap(od.caller.frame, od.caller.connected)} ms and ${gap(bd.caller.frame, bd.caller.connected)} ms (caller side). ` +
      'Past DTLS the time is media, the same for both: the fake camera\'s first keyframe encoded, sent and decoded. On this shared 2-core machine every stage moves by tens of ms from call to call, so the stages are medians of separate calls and do not add up exactly.',
  ].join('\n');
}

function profileTables(title: string, p: ProfileResult): string {
  return [
    `### ${title}`,
    '',
    `${p.workload}. ${n(p.samples)} samples over ${(p.durationMs / 1000).toFixed(1)} s` +
      `${p.windowed ? ', only those taken during the measured part' : ' (whole process life: the measured window was not available)'}.`,
    '',
    table(['area', '% of samples'], p.areas.slice(0, 10).map((a) => [a.area, a.pct])),
    '',
    table(['top functions by self time', 'where', 'area', '% of samples'], p.functions.slice(0, 10).map((f) => [`\`${f.name}\``, f.location || '—', f.area, f.pct])),
  ].join('\n');
}

function limits(r: BenchReport): string {
  const { p4, p1, p2 } = r.profiles ?? {};
  if (!p4 && !p1 && !p2) return '_No profile in this run: `npm run bench -- --profile` fills this section._';
  const reading = existsSync(READING_FILE) ? readFileSync(READING_FILE, 'utf8').trim() : '_No reading written yet (`bench/profile-reading.md`)._';
  return [
    'CPU profiles (`node --cpu-prof`) of the quickchat server\'s main thread under the benchmark workloads. ' +
      'Self time: a function\'s callees are not included, and time inside native calls (SQLite statements, socket writes) is charged to the JavaScript function that made them ' +
      'or to the native frame (`writev`). Positions are mapped back to the `.ts` source through tsx\'s source maps.',
    '',
    reading,
    '',
    ...(p4 ? [profileTables('Under the P4 load (throughput)', p4), ''] : []),
    ...(p1 ? [profileTables('Under the P1 loop (latency)', p1), ''] : []),
    ...(p2 ? [profileTables('Under the P2 fan-out (group of many members)', p2), ''] : []),
  ].join('\n');
}

/** `docs/benchmarks.md`. */
export function markdown(r: BenchReport): string {
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts). Re-run to refresh; the profile reading lives in bench/profile-reading.md. -->',
    '',
    'Every figure is a **ratio against a baseline measured in the same run, on the same machine**: absolute times move from run to run and box to box, ratios much less. ' +
      'Absolute numbers are shown beside the ratios for orientation only. Benchmarks live in `bench/` and never run under `npm test`.',
    '',
    machine(r),
    '',
    '## Results',
    '',
    results(r),
    '',
    '![quickchat ÷ baseline for each figure, with its goal](images/benchmarks.svg)',
    '',
    '## P1: 1:1 delivery latency',
    '',
    p1(r),
    '',
    '## P2: group fan-out',
    '',
    p2(r),
    '',
    '## P4: durable messages/s on one node',
    '',
    p4(r),
    '',
    '## P5: catch-up after reconnect',
    '',
    p5(r),
    '',
    '## P6: history page',
    '',
    p6(r.p6),
    '',
    '## P6g: history page in a group',
    '',
    p6(r.p6g),
    '',
    '## P6b: conversation list with a backlog',
    '',
    p6b(r.p6b),
    '',
    '## P6s: conversation list (sync summaries) of a member of many groups',
    '',
    p6b(r.p6s),
    '',
    '## S1: search',
    '',
    s1(r.s1),
    '',
    '## U1: upload throughput',
    '',
    u1(r),
    '',
    '## B1: scrolling back through a long history in the widget',
    '',
    b1(r),
    '',
    '## P7: scale-out, two nodes + Redis beside one node',
    '',
    p7(r),
    '',
    '## P8: call setup, accept → first frame',
    '',
    p8(r),
    '',
    '## What limits us',
    '',
    limits(r),
    '',
    '## Not measured yet',
    '',
    'P3 (idle connections) is not in the harness yet. P9 (bundle sizes) is enforced by tests instead: `packages/sdk/test/size-budget.test.ts` fails above 13 KiB min+gzip (the SDK core is about 11 KiB).',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                      # P1, P2, P4, P5, P6, P6g, P6b, P6s, P7, S1, U1, B1 and P8 (P8 only in a loopback-only namespace), writes this file and docs/images/benchmarks.svg',
    'npm run bench -- --profile         # also profiles the server under the P4, P1 and P2 loads (fills "What limits us")',
    'npm run bench -- --render          # re-writes this file and the chart from docs/benchmarks.json',
    'npm run bench -- --quick           # scaled-down smoke run; prints only, unless --write',
    'npm run bench -- --only=p1         # or p2, p4, p5, p6, p6g, p6b, p6s, p7, s1, u1, b1, p8; sizes: --messages --payload --p2-members --p4-messages --pairs --window ... (see --help)',
    'scripts/loopback-only.sh npm run bench -- --only=p8 --merge  # P8 (WebRTC) only runs in a network namespace with nothing but loopback',
    'npm run bench -- --only=p2 --merge # re-measures P2 only and writes it into this file beside the saved results of the others',
    '```',
    '',
    `Total wall time of this run: ${(r.durationMs / 1000).toFixed(0)} s.`,
    '',
  ].join('\n');
}
