/**
 * Pure layout arithmetic for the windowed message list: row offsets from (measured or estimated)
 * heights, which rows to render for a viewport, and when the rendered rows no longer cover it.
 * Positions are in "content" pixels: 0 is the top of the first row.
 */

/** A half-open range of row indices, `[start, end)`. */
export interface Range {
  start: number;
  end: number;
}

/** Prefix sums of `heights`: `offsets[i]` is the top of row i, `offsets[n]` the total height. */
export function offsetsOf(heights: readonly number[]): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + heights[i]!;
  return offsets;
}

/** The row at content position `y` (clamped to the rows; 0 when there are none). */
export function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rows to render for a viewport showing content `[top, top + height)`: the rows it touches
 * plus `overscan` pixels either side, at most `maxRows` (kept around the viewport's top, where a
 * reader scrolling back looks).
 */
export function rangeFor(offsets: Float64Array, top: number, height: number, overscan: number, maxRows: number): Range {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, top - overscan);
  let end = rowAt(offsets, top + height + overscan) + 1;
  if (end - start > maxRows) end = start + maxRows;
  return { start, end: Math.min(end, n) };
}

/** The rows for a viewport pinned to the bottom of the content. */
export function bottomRange(offsets: Float64Array, height: number, overscan: number, maxRows: number): Range {
  const n = offsets.length - 1;
  const total = offsets[n]!;
  const r = rangeFor(offsets, Math.max(0, total - height), height, overscan, maxRows);
  return { start: Math.max(r.start, n - maxRows), end: n };
}

/**
 * Whether `range` still covers the viewport `[top, top + height)` with at least `margin` pixels
 * of rendered rows either side (where rows exist). While it does, scrolling needs no re-render.
 */
export function covers(offsets: Float64Array, range: Range, top: number, height: number, margin: number): boolean {
  const n = offsets.length - 1;
  const total = offsets[n]!;
  const needTop = Math.max(0, top - margin);
  const needBottom = Math.min(total, top + height + margin);
  return offsets[range.start]! <= needTop && (range.end >= n || offsets[range.end]! >= needBottom);
}
