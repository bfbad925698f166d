import type { CallStats } from './events.js';

/** The counters of a stats sample, kept for the rates of the next one. */
export interface StatsSample {
  at: number;
  bytesSent: number | null;
  packetsLost: number;
  packetsReceived: number;
}

/**
 * Reads a peer connection's `getStats()` report into a {@link CallStats}: the RTT of the selected
 * candidate pair (else RTCP's), and, against the `previous` sample, the outgoing bitrate (over the
 * reports' own timestamps, else `intervalMs`) and the inbound loss. Returns the new sample too.
 */
export function readStats(report: RTCStatsReport, previous: StatsSample | null, intervalMs: number): { stats: CallStats; sample: StatsSample } {
  type Entry = Record<string, unknown> & { id: string; type: string; timestamp: number };
  const entries: Entry[] = [];
  report.forEach((entry: Entry) => entries.push(entry));
  const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const selectedId = entries.find((e) => e.type === 'transport' && typeof e['selectedCandidatePairId'] === 'string')?.['selectedCandidatePairId'];
  const pair = entries.find((e) => e.type === 'candidate-pair' && (selectedId ? e.id === selectedId : e['nominated'] === true && e['state'] === 'succeeded'));
  const rtt = num(pair?.['currentRoundTripTime']) ?? num(entries.find((e) => e.type === 'remote-inbound-rtp' && num(e['roundTripTime']) !== undefined)?.['roundTripTime']);
  const sample: StatsSample = { at: 0, bytesSent: null, packetsLost: 0, packetsReceived: 0 };
  for (const e of entries) {
    if (e.type === 'outbound-rtp' && num(e['bytesSent']) !== undefined) {
      sample.bytesSent = (sample.bytesSent ?? 0) + num(e['bytesSent'])!;
      sample.at = Math.max(sample.at, num(e.timestamp) ?? 0);
    } else if (e.type === 'inbound-rtp') {
      sample.packetsLost += num(e['packetsLost']) ?? 0;
      sample.packetsReceived += num(e['packetsReceived']) ?? 0;
    }
  }
  const stats: CallStats = {};
  if (rtt !== undefined) stats.rttMs = rtt * 1000;
  if (!previous) return { stats, sample };
  if (sample.bytesSent !== null && previous.bytesSent !== null) {
    const elapsedMs = sample.at > previous.at && previous.at > 0 ? sample.at - previous.at : intervalMs;
    stats.bitrateKbps = (Math.max(0, sample.bytesSent - previous.bytesSent) * 8) / elapsedMs;
  }
  const lost = Math.max(0, sample.packetsLost - previous.packetsLost);
  const expected = lost + Math.max(0, sample.packetsReceived - previous.packetsReceived);
  if (expected > 0) stats.packetLoss = lost / expected;
  return { stats, sample };
}
