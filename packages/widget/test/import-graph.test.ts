/**
 * Guards the widget's module structure: no import cycles (counting type-only and lazy imports,
 * which bundlers and knip ignore but which still tie modules together), and every folder imports
 * only from its own layer or the ones below it (so, e.g., state never reaches up into screens).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * The layers, lowest first, by top-level folder or file of src/. A module may import from its
 * own layer and lower ones. New folders must be placed here (the test fails until they are).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['i18n', 'options.ts'],
  ['util', 'styles'],
  ['state'],
  ['features'],
  ['components'],
  ['screens'],
  ['app'],
  ['mount.tsx'],
  ['script-tag'],
  ['index.ts', 'iife.ts'],
];

/** Relative specifiers of static, type-only, re-export, side-effect and dynamic imports. */
const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every module of src/, by path relative to src/, with the modules it imports. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map(([, spec]) => {
      const base = relative(SRC, join(SRC, dirname(file), spec!)).replace(/\.js$/, '');
      const found = [`${base}.ts`, `${base}.tsx`].find((f) => known.has(f));
      if (!found) throw new Error(`${file}: cannot resolve ${spec}`);
      return found;
    });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The cycles found by a depth-first walk (each reported once, as the path that closes it). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

function layerOf(file: string): number {
  const top = file.split(/[\\/]/)[0]!;
  const layer = LAYERS.findIndex((names) => names.includes(top));
  if (layer < 0) throw new Error(`${file}: ${top} is in no layer; add it to LAYERS in this test`);
  return layer;
}

describe('widget import graph', () => {
  const graph = importGraph();

  it('resolves imports (the check sees the real graph)', () => {
    expect(graph.get('app/shell.tsx')).toContain('screens/navigation.ts');
    expect(graph.get('app/shell.tsx')).toContain('screens/profile.tsx'); // a lazy import()
  });

  it('has no import cycles, type-only and lazy imports included', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('imports only from the same layer or below', () => {
    const upward = [...graph].flatMap(([file, targets]) => targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(cycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
