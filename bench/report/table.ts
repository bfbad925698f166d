import { figuresOf, formatRatio, type BenchReport } from './figures.js';

/** The results as a fixed-width text table for the terminal. */
export function textTable(report: BenchReport): string {
  const header = ['#', 'metric', 'ours', 'baseline', 'ratio', 'goal', 'met?'];
  const rows = figuresOf(report).map((f) => [f.id, f.metric, f.ours, f.baseline, formatRatio(f.ratio), `${f.goal.op} ${f.goal.value}×`, f.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
