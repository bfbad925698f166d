import { figuresOf, formatRatio, type BenchReport, type Figure } from './figures.js';

const W = 760;
const X0 = 24;
const X1 = W - 24;
const ROW = 112;
const TOP = 64;
const GREEN = '#2e7d32';
const RED = '#c62828';

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function text(x: number, y: number, body: string, attrs = ''): string {
  return `<text x="${x}" y="${y}" ${attrs}>${esc(body)}</text>`;
}

/** One figure: its own scale from 0 to a bit past the larger of ratio and goal. */
function row(f: Figure, top: number): string {
  const max = Math.max(f.ratio, f.goal.value) * 1.25;
  const x = (v: number) => X0 + ((X1 - X0) * v) / max;
  const barY = top + 48;
  const barH = 24;
  const better = f.goal.op === '≤' ? 'lower is better' : 'higher is better';
  const ratioLabel = `${formatRatio(f.ratio)} ${f.met ? '(goal met)' : '(goal missed)'}`;
  const labelInside = x(f.ratio) - X0 > 200;
  return [
    text(X0, top + 16, `${f.id} · ${f.metric} (ratio vs baseline, ${better})`, 'font-size="15" font-weight="600"'),
    `<rect x="${X0}" y="${barY}" width="${X1 - X0}" height="${barH}" fill="#f1f3f4"/>`,
    `<rect x="${X0}" y="${barY}" width="${Math.max(1, x(f.ratio) - X0).toFixed(1)}" height="${barH}" fill="${f.met ? GREEN : RED}"/>`,
    labelInside
      ? text(Math.round(x(f.ratio) - 8), barY + 17, ratioLabel, 'font-size="13" fill="#fff" text-anchor="end" font-weight="600"')
      : text(Math.round(x(f.ratio) + 8), barY + 17, ratioLabel, 'font-size="13" fill="#222" font-weight="600"'),
    `<line x1="${x(f.goal.value).toFixed(1)}" y1="${barY - 8}" x2="${x(f.goal.value).toFixed(1)}" y2="${barY + barH + 8}" stroke="#111" stroke-width="2" stroke-dasharray="5 3"/>`,
    text(Math.round(x(f.goal.value)), barY - 11, `goal ${f.goal.op} ${f.goal.value}×`, `font-size="12" text-anchor="${x(f.goal.value) > X1 - 60 ? 'end' : 'middle'}" fill="#111"`),
    text(X0, barY + barH + 22, `quickchat ${f.ours}  ·  baseline ${f.baseline}`, 'font-size="12" fill="#555"'),
  ].join('\n  ');
}

/** A bar chart of every figure's ratio against its goal line, as a standalone SVG document. */
export function svgChart(report: BenchReport): string {
  const figures = figuresOf(report);
  const height = TOP + figures.length * ROW + 28;
  const m = report.machine;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `  <rect width="${W}" height="${height}" fill="#fff"/>`,
    `  ${text(X0, 28, 'quickchat vs. baselines measured in the same run', 'font-size="18" font-weight="700"')}`,
    `  ${text(X0, 48, `Bars: quickchat ÷ baseline. Dashed line: the goal. Green = goal met, red = missed.`, 'font-size="12" fill="#555"')}`,
    ...figures.map((f, i) => `  ${row(f, TOP + i * ROW)}`),
    `  ${text(X0, height - 10, `nproc ${m.nproc} · ${m.cpu} · Node ${m.node} · ${m.date}`, 'font-size="11" fill="#777"')}`,
    '</svg>',
    '',
  ].join('\n');
}
