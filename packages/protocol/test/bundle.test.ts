import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function bundle(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    alias: { '@quickchat/protocol': root },
  });
  return result.outputFiles[0]!.text;
}

describe('protocol root entry in a browser bundle', () => {
  it('carries codes and helpers but no validator', async () => {
    const code = await bundle(`
      import { ErrorCode, CloseCode, dmConversationId, PROTOCOL_LIMITS } from '@quickchat/protocol';
      import type { ClientFrame, Message } from '@quickchat/protocol';
      const m: Message | null = null; const f: ClientFrame | null = null;
      console.log(ErrorCode.NotFound, CloseCode.AuthExpired, dmConversationId('a', 'b'), PROTOCOL_LIMITS.maxTextLength, m, f);
    `);
    expect(code).toContain('not_found');
    expect(code).toContain('dm:');
    // zod's tell-tale internals must not be present.
    expect(code).not.toMatch(/ZodError|_zod|safeParse|\$ZodType/);
    expect(code.length).toBeLessThan(3000);
  });

  it('the validate entry does pull the validator (the split is real)', async () => {
    const code = await bundle(`import { parseFrame } from '${fileURLToPath(new URL('../src/validate/index.ts', import.meta.url))}'; console.log(parseFrame('{}'));`);
    expect(code).toMatch(/_zod|safeParse/);
  });
});
