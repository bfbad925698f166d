import { describe, expect, it } from 'vitest';
import { bottomRange, covers, offsetsOf, rangeFor, rowAt } from '../src/util/windowing.js';

/** 2,000 rows of varied height: mostly 60 px, a tall one every 17th, a short one every 23rd. */
const heights = Array.from({ length: 2000 }, (_, i) => (i % 17 === 3 ? 240 : i % 23 === 5 ? 44 : 60));
const offsets = offsetsOf(heights);
const total = offsets[heights.length]!;

describe('windowing: offsets and rows', () => {
  it('sums heights into row tops, the last entry being the total', () => {
    expect([...offsetsOf([10, 20, 5])]).toEqual([0, 10, 30, 35]);
    expect(offsetsOf([]).length).toBe(1);
    expect(total).toBe(heights.reduce((a, b) => a + b, 0));
  });

  it('finds the row at a position (a row owns its top edge), clamped to the rows', () => {
    const o = offsetsOf([10, 20, 5]);
    expect([rowAt(o, -5), rowAt(o, 0), rowAt(o, 9.9), rowAt(o, 10), rowAt(o, 29), rowAt(o, 30), rowAt(o, 34), rowAt(o, 999)]).toEqual([0, 0, 0, 1, 1, 2, 2, 2]);
    expect(rowAt(offsetsOf([]), 10)).toBe(0);
  });
});

describe('windowing: which rows to render', () => {
  it('covers the viewport plus overscan on both sides, and nothing far away', () => {
    const top = 50_000;
    const r = rangeFor(offsets, top, 600, 900, 120);
    expect(offsets[r.start]!).toBeLessThanOrEqual(top - 900);
    expect(offsets[r.end]!).toBeGreaterThanOrEqual(top + 600 + 900);
    // Not more than one row beyond the overscan at either end.
    expect(offsets[r.start + 1]!).toBeGreaterThan(top - 900);
    expect(offsets[r.end - 1]!).toBeLessThanOrEqual(top + 600 + 900);
    expect(covers(offsets, r, top, 600, 300)).toBe(true);
  });

  it('stays bounded however many rows exist, with at most maxRows', () => {
    for (const top of [0, 1234, total / 2, total - 600]) {
      const r = rangeFor(offsets, top, 600, 900, 120);
      expect(r.end - r.start).toBeLessThanOrEqual(120);
      expect(r.end - r.start).toBeLessThan(60);
    }
    const tiny = offsetsOf(Array.from({ length: 1000 }, () => 1));
    const r = rangeFor(tiny, 0, 600, 900, 120);
    expect(r).toEqual({ start: 0, end: 120 });
  });

  it('clamps at the ends: from row 0 at the top, to the last row at the bottom', () => {
    expect(rangeFor(offsets, 0, 600, 900, 120).start).toBe(0);
    const b = bottomRange(offsets, 600, 900, 120);
    expect(b.end).toBe(heights.length);
    expect(offsets[b.start]!).toBeLessThanOrEqual(total - 600 - 900);
    expect(covers(offsets, b, total - 600, 600, 300)).toBe(true);
    expect(rangeFor(offsetsOf([]), 0, 600, 900, 120)).toEqual({ start: 0, end: 0 });
    expect(bottomRange(offsetsOf([50, 50]), 600, 900, 120)).toEqual({ start: 0, end: 2 });
  });

  it('keeps a window while the viewport stays inside it with a margin, and asks for a new one near its edge', () => {
    const r = rangeFor(offsets, 50_000, 600, 900, 120);
    const first = offsets[r.start]!;
    const end = offsets[r.end]!;
    expect(covers(offsets, r, first + 300, 600, 300)).toBe(true);
    expect(covers(offsets, r, first + 299, 600, 300)).toBe(false);
    expect(covers(offsets, r, end - 900, 600, 300)).toBe(true);
    expect(covers(offsets, r, end - 899, 600, 300)).toBe(false);
    // At the very top or bottom there is nothing more to render, so the margin is not needed there.
    expect(covers(offsets, { start: 0, end: 10 }, 0, 200, 300)).toBe(true);
    expect(covers(offsets, { start: 1980, end: 2000 }, total - 200, 200, 300)).toBe(true);
  });
});
