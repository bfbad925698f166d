/**
 * Keyboard movement inside a composite widget with one tab stop (a toolbar, tab list or grid):
 * the index `key` moves to from `at`, among `count` items laid out `columns` per row, or null
 * when `key` is not a movement key. Left/Right step, Up/Down jump a row, Home/End go to the ends.
 */
export function rovingIndex(key: string, at: number, count: number, columns = count): number | null {
  const last = count - 1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(at + 1, last);
    case 'ArrowLeft':
      return Math.max(at - 1, 0);
    case 'ArrowDown':
      return Math.min(at + columns, last);
    case 'ArrowUp':
      return Math.max(at - columns, 0);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
