import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { findSourceMap, SourceMap, type SourceMapPayload } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * In a tsx-run process: writes the source maps of every loaded `.ts` file under `roots`
 * (keyed by file URL), so a CPU profile of this process can be mapped back to source lines.
 */
export function dumpSourceMaps(outFile: string, roots: string[]): void {
  const maps: Record<string, SourceMapPayload> = {};
  for (const file of roots.flatMap(tsFiles)) {
    const url = pathToFileURL(file).href;
    const map = findSourceMap(url);
    if (map) maps[url] = { ...map.payload, sourcesContent: [] };
  }
  writeFileSync(outFile, JSON.stringify(maps));
}

/** Maps a generated position (0-based, as in `.cpuprofile` call frames) to `file.ts:line` (1-based). */
export type Locator = (url: string, line: number, column: number) => string;

/** A locator from a file written by {@link dumpSourceMaps}; positions it cannot map keep the generated line. */
export function loadLocator(mapsFile: string): Locator {
  let maps: Record<string, SourceMapPayload> = {};
  try {
    maps = JSON.parse(readFileSync(mapsFile, 'utf8')) as Record<string, SourceMapPayload>;
  } catch {
    // No maps: fall back to generated positions.
  }
  const cache = new Map<string, SourceMap>();
  return (url, line, column) => {
    const fallback = `${basename(url.replace(/^file:\/\//, ''))}:${line + 1}`;
    const payload = maps[url];
    if (!payload) return fallback;
    let map = cache.get(url);
    if (!map) cache.set(url, (map = new SourceMap(payload)));
    const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    if (!entry.originalSource || entry.originalLine === undefined) return fallback;
    return `${basename(entry.originalSource.replace(/^file:\/\//, ''))}:${entry.originalLine + 1}`;
  };
}
