import { basename } from 'node:path';
import type { Locator } from './source-maps.js';

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that we read. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  /** Microseconds between consecutive samples; the first is relative to `startTime`. */
  timeDeltas?: number[];
}

export interface SelfTimeEntry {
  /** Function name, `(anonymous)`, or a V8 pseudo-frame such as `(garbage collector)`. */
  name: string;
  /** `file:line` (1-based), or '' for native and pseudo frames. */
  location: string;
  /** Where the code lives: a package, Node core, quickchat, GC, idle... */
  area: string;
  samples: number;
  pct: number;
}

export interface ProfileSummary {
  /** Span of the samples counted. */
  durationMs: number;
  /** True when only samples inside the requested time window were counted. */
  windowed: boolean;
  samples: number;
  /** Functions by self time, descending. */
  functions: SelfTimeEntry[];
  /** Self time grouped by area, descending. */
  areas: { area: string; pct: number }[];
}

/** Classifies a frame's script URL (file URL, `node:` module, or '' for native/pseudo frames). */
export function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle (waiting for I/O)';
  if (name === '(program)' || name === '(root)') return 'V8/native (program)';
  if (!url) return 'V8 builtins / native';
  if (url.startsWith('node:')) return 'Node core';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/packages\/([^/]+)\/src\//.exec(url);
  if (own) return `quickchat ${own[1]}`;
  return 'other';
}

/**
 * Counts samples per node. With `window` (monotonic-clock microseconds, the clock V8 stamps
 * samples with on Linux, shared by every process), only samples inside it count.
 */
function countHits(profile: CpuProfile, window?: { startUs: number; endUs: number }): { hits: Map<number, number>; windowed: boolean; spanUs: number } {
  const hits = new Map<number, number>();
  const { samples = [], timeDeltas = [] } = profile;
  if (window && samples.length === timeDeltas.length && samples.length > 0) {
    let t = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      t += timeDeltas[i]!;
      if (t >= window.startUs && t <= window.endUs) hits.set(samples[i]!, (hits.get(samples[i]!) ?? 0) + 1);
    }
    if (hits.size > 0) return { hits, windowed: true, spanUs: window.endUs - window.startUs };
  }
  if (samples.length > 0) for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  return { hits, windowed: false, spanUs: profile.endTime - profile.startTime };
}

const generated: Locator = (url, line) => `${basename(url.replace(/^file:\/\//, ''))}:${line + 1}`;

/**
 * Self time per function and per area, optionally only inside a time window. `locate` maps
 * generated positions to source lines (see `source-maps.ts`).
 */
export function summarizeProfile(profile: CpuProfile, window?: { startUs: number; endUs: number }, locate: Locator = generated): ProfileSummary {
  const { hits, windowed, spanUs } = countHits(profile, window);
  const total = [...hits.values()].reduce((a, b) => a + b, 0) || 1;

  const byFunction = new Map<string, SelfTimeEntry>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const location = url ? locate(url, lineNumber, columnNumber) : '';
    const area = areaOf(url, name);
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, area, samples: 0, pct: 0 };
    entry.samples += count;
    byFunction.set(key, entry);
    byArea.set(area, (byArea.get(area) ?? 0) + count);
  }
  const pct = (n: number) => Math.round((n / total) * 1000) / 10;
  const functions = [...byFunction.values()].sort((a, b) => b.samples - a.samples).map((e) => ({ ...e, pct: pct(e.samples) }));
  const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([area, n]) => ({ area, pct: pct(n) }));
  return { durationMs: Math.round(spanUs / 1000), windowed, samples: total, functions, areas };
}
