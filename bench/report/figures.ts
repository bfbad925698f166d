import type { P1Result } from '../p1-latency.js';
import type { P2Result } from '../p2-fanout.js';
import type { P4Result } from '../p4-throughput.js';
import type { P5Result } from '../p5-catchup.js';
import type { P6Result } from '../p6-history.js';
import type { P6bResult } from '../p6b-list.js';
import type { P7Result } from '../p7-scale-out.js';
import type { B1Result } from '../b1-scrollback.js';
import type { U1Result } from '../u1-uploads.js';
import type { S1Result } from '../s1-search.js';
import type { P8Result } from '../p8-call-setup.js';
import type { ProfileResult } from '../profile.js';

/** The machine and toolchain a run was measured on. */
export interface Machine {
  nproc: number;
  cpu: string;
  memGiB: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average when the run started, before it started anything. */
  loadStart: number;
  /** CPUs' worth of time other processes used, on average, while the run went (null: unknown). */
  otherCpus: number | null;
}

/** Everything one `npm run bench` produced. */
export interface BenchReport {
  machine: Machine;
  quick: boolean;
  p1?: P1Result;
  p2?: P2Result;
  p4?: P4Result;
  p5?: P5Result;
  p6?: P6Result;
  /** P6 in a group. */
  p6g?: P6Result;
  p6b?: P6bResult;
  /** P6b for a member of many groups. */
  p6s?: P6bResult;
  /** P7: two nodes + Redis beside one node, cross-node 1:1 latency and group fan-out. */
  p7?: P7Result;
  /** S1: full-text search over a user's conversations beside the store's raw FTS5 query behind a bare server. */
  s1?: S1Result;
  /** U1: upload throughput through the server beside a plain file copy. */
  u1?: U1Result;
  /** B1: the widget's message list scrolled back in headless Chromium, windowed vs. the list before windowing. */
  b1?: B1Result;
  /** P8: call setup in headless Chromium, the SDK beside a bare RTCPeerConnection over plain ws, direct and relay-only. */
  p8?: P8Result;
  /** CPU profiles of the server under each workload (`--profile`). */
  profiles?: { p4?: ProfileResult; p1?: ProfileResult; p2?: ProfileResult };
  durationMs: number;
}

/** One published figure: ours against the baseline as a ratio, checked against its goal. */
export interface Figure {
  id: string;
  metric: string;
  ours: string;
  baseline: string;
  ratio: number;
  goal: { op: '≤' | '≥'; value: number };
  met: boolean;
}

const us = (n: number) => `${n.toLocaleString('en-US')} µs`;
const perSec = (n: number, unit: string) => `${n.toLocaleString('en-US')} ${unit}/s`;

function figure(id: string, metric: string, ours: string, baseline: string, ratio: number, op: '≤' | '≥', value: number): Figure {
  return { id, metric, ours, baseline, ratio, goal: { op, value }, met: op === '≤' ? ratio <= value : ratio >= value };
}

/** P6's goal (and P6b's, by the same standard): quickchat ≤ 1.5× the bare node:http + raw SQL server. */
export const P6_GOAL = 1.5;

/** P5's goal is absolute: every missed message surfaced within this budget. */
export const P5_BUDGET_MS = 300;

/** P2's goals: quickchat's deliveries/s against the bare `ws` broadcast and against socket.io rooms. */
export const P2_GOALS = { bare: 0.9, socketio: 1.1 };

/**
 * U1's goal: uploads through quickchat (auth, access, type sniffing, the size cap and quota, a
 * thumbnail for images, fsync, a SQLite row) at 80% or more of the throughput of a bare node:http
 * server that only writes each body to a file. The plain file copy is shown beside both: on a
 * warm page cache it measures memory bandwidth, not what an upload can reach.
 */
export const U1_GOAL = 0.8;

/** P8's goals: accept → first frame ≤ 1.2× the bare RTCPeerConnection call (direct); relay-only through coturn ≤ 1.5× our direct call. */
export const P8_GOALS = { direct: 1.2, relay: 1.5 };

/** P7's goals: two nodes + Redis reach ≥ 0.7× one node's fan-out deliveries/s, and a cross-node 1:1 p99 ≤ one node's p99 + 1 ms. */
export const P7_GOALS = { throughput: 0.7, p99SlackUs: 1000 };

/** The goal-bearing figures of a report (P1 p50, P1 p99, P2 vs bare and vs socket.io, P4, P5, P6 p50/p99, P6b p50/p99, P7 fan-out/p99, S1 p50/p99, U1, B1 time/frames/DOM, P8 direct/relay), in brief order. */
export function figuresOf(report: BenchReport): Figure[] {
  const out: Figure[] = [];
  const { p1, p2, p4, p5, p6, p6g, p6b, p6s, p7, s1, u1, b1, p8 } = report;
  if (p1) {
    out.push(figure('P1', 'delivery latency p50', us(p1.quickchat.p50), `${us(p1.relay.p50)} (bare ws relay)`, p1.ratios.p50, '≤', 2));
    out.push(figure('P1', 'delivery latency p99', us(p1.quickchat.p99), `${us(p1.relay.p99)} (bare ws relay)`, p1.ratios.p99, '≤', 5));
  }
  if (p2) {
    const what = `fan-out to ${p2.params.members.toLocaleString('en-US')} members`;
    const ours = perSec(p2.quickchat.median.deliveriesPerSec, 'deliveries');
    out.push(figure('P2', `${what} vs bare ws`, ours, `${perSec(p2.bare.median.deliveriesPerSec, 'deliveries')} (bare ws broadcast)`, p2.ratios.quickchatToBare, '≥', P2_GOALS.bare));
    out.push(figure('P2', `${what} vs socket.io`, ours, `${perSec(p2.socketio.median.deliveriesPerSec, 'deliveries')} (socket.io 4 room)`, p2.ratios.quickchatToSocketio, '≥', P2_GOALS.socketio));
  }
  if (p4) {
    out.push(figure('P4', 'durable messages/s', perSec(p4.quickchat.perSec, 'msg'), `${perSec(p4.raw.perSec, 'rows')} (raw better-sqlite3)`, p4.ratio, '≥', 0.5));
  }
  if (p5) {
    const ms = p5.catchUp.max / 1000;
    out.push(figure('P5', `catch-up of ${p5.params.missed.toLocaleString('en-US')} missed messages (slowest round)`, `${ms.toFixed(1)} ms`, `${P5_BUDGET_MS} ms (the goal's budget)`, ms / P5_BUDGET_MS, '≤', 1));
  }
  const read = (id: string, what: string, r: P6Result | P6bResult | S1Result) => {
    for (const q of ['p50', 'p99'] as const) {
      out.push(figure(id, `${what} ${q}`, us(r.quickchat[q]), `${us(r.baseline[q])} (bare node:http + raw SQL)`, r.ratios[q], '≤', P6_GOAL));
    }
  };
  if (p6) read('P6', `history page of ${p6.params.pageSize} from ${p6.params.messages.toLocaleString('en-US')} messages`, p6);
  if (p6g) read('P6g', `group history page of ${p6g.params.pageSize} from ${p6g.params.messages.toLocaleString('en-US')} messages`, p6g);
  if (p6b) read('P6b', `conversation list, ${p6b.params.conversations.toLocaleString('en-US')} conversations`, p6b);
  if (p6s) read('P6s', `conversation list (sync summaries), ${p6s.params.conversations.toLocaleString('en-US')} groups`, p6s);
  if (p7) {
    const members = p7.params.members.toLocaleString('en-US');
    out.push(
      figure('P7', `fan-out to ${members} members, half on each of two nodes + Redis`, perSec(p7.fanout.two.median.deliveriesPerSec, 'deliveries'), `${perSec(p7.fanout.one.median.deliveriesPerSec, 'deliveries')} (one node, same store mode)`, p7.ratios.throughput, '≥', P7_GOALS.throughput),
    );
    const budget = p7.latency.one.p99 + P7_GOALS.p99SlackUs;
    out.push(
      figure('P7', 'cross-node 1:1 delivery latency p99', us(p7.latency.two.p99), `${us(Math.round(budget))} (one node's p99 ${us(p7.latency.one.p99)} + 1 ms)`, Math.round((p7.latency.two.p99 / budget) * 100) / 100, '≤', 1),
    );
  }
  if (s1) read('S1', `search over ${s1.params.messages.toLocaleString('en-US')} messages, ${s1.params.pageSize} hits`, s1);
  if (u1) {
    const what = `upload throughput, ${u1.params.uploads} files of ${u1.params.sizeMiB} MiB one after another`;
    const ratio = Math.round((u1.upload.mbPerSec / u1.bareHttp.mbPerSec) * 100) / 100;
    out.push(figure('U1', what, perSec(u1.upload.mbPerSec, 'MB'), `${perSec(u1.bareHttp.mbPerSec, 'MB')} (bare node:http upload; fs.copyFile ${perSec(u1.copy.mbPerSec, 'MB')})`, ratio, '≥', U1_GOAL));
  }
  if (b1) {
    const ms = (n: number) => `${(n / 1000).toFixed(1)} s`;
    const was = '(list before windowing)';
    const { read } = b1.windowed;
    const base = b1.baseline.read;
    const msgs = b1.params.messages.toLocaleString('en-US');
    out.push(figure('B1', `time to scroll back to the first of ${msgs} messages at ${b1.params.speed.toLocaleString('en-US')} px/s`, ms(read.timeMs), `${ms(base.timeMs)} ${was}`, read.timeMs / base.timeMs, '≤', 1));
    const drag = b1.windowed.drag;
    out.push(figure('B1', `time to load back to the first message, scrollbar held at the top`, ms(drag.timeMs), `${ms(b1.baseline.drag.timeMs)} ${was}`, drag.timeMs / b1.baseline.drag.timeMs, '≤', 1));
    out.push(figure('B1', 'frame time p95 while scrolling back', `${read.frames.p95} ms`, `${base.frames.p95} ms ${was}`, read.frames.p95 / base.frames.p95, '≤', 1));
    out.push(figure('B1', 'longest frame while scrolling back', `${read.frames.max} ms`, `${base.frames.max} ms ${was}`, read.frames.max / base.frames.max, '≤', 1));
    out.push(figure('B1', `elements in the list with all ${msgs} messages loaded`, read.elements.toLocaleString('en-US'), `${base.elements.toLocaleString('en-US')} ${was}`, read.elements / base.elements, '≤', 0.1));
  }
  if (p8) {
    const ms = (us: number) => `${Math.round(us / 1000).toLocaleString('en-US')} ms`;
    const { ours, bare, ratios } = p8;
    out.push(figure('P8', 'accept → first frame, direct (p50 of the later side)', ms(ours.direct.both.p50), `${ms(bare.direct.both.p50)} (bare RTCPeerConnection, plain ws signaling)`, ratios.direct, '≤', P8_GOALS.direct));
    out.push(figure('P8', 'accept → first frame, relay-only through coturn ÷ direct (p50 of the later side)', ms(ours.relay.both.p50), `${ms(ours.direct.both.p50)} (quickchat direct; bare relay ${ms(bare.relay.both.p50)}, ${formatRatio(ratios.bareRelay)} bare direct)`, ratios.relay, '≤', P8_GOALS.relay));
  }
  return out;
}

/** `1.23×` */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(ratio < 10 ? 2 : 1)}×`;
}
