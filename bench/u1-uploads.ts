// U1: upload throughput. `uploads` files of `sizeMiB` each go one after another through the real
// server (a child process): POST /api/uploads over one keep-alive connection, streamed to disk
// with the size cap and the type sniffer, fsynced, and recorded in SQLite. Beside it, in the same
// run and on the same file system, a plain `fs.copyFile` of the same bytes the same number of
// times, the same copy followed by an fsync (what an upload also pays for durability), and the
// same uploads to a bare node:http server that only writes each body to a file
// (baselines/upload-http.ts): what any HTTP upload costs on this machine.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dmConversationId } from '@quickchat/protocol';
import { startQuickchat, startUploadBaseline } from './lib/servers.js';
import { befriend, registerUsers, type BenchUser } from './lib/quickchat-client.js';
import { checkDeadline } from './lib/stats.js';

export interface U1Params {
  /** Files per round and side. */
  uploads: number;
  sizeMiB: number;
  rounds: number;
  deadlineMs: number;
}

/** One side's median round. */
export interface U1Side {
  /** Wall time of the round's `uploads` files, in ms. */
  ms: number;
  /** Megabytes (10^6 bytes) per second. */
  mbPerSec: number;
}

export interface U1Result {
  params: U1Params;
  upload: U1Side;
  copy: U1Side;
  /** `fs.copyFile` then fsync of each copy. */
  copySynced: U1Side;
  /** The same uploads to a bare node:http server writing each body to a file. */
  bareHttp: U1Side;
  /** Upload MB/s ÷ copy MB/s. */
  ratio: number;
  durationMs: number;
}

/** A PDF header and then random bytes: accepted as a PDF by its magic number, and incompressible. */
function payload(bytes: number): Buffer {
  const body = randomBytes(bytes);
  Buffer.from('%PDF-1.7\n').copy(body);
  return body;
}

/** One upload over `agent`; resolves the response body, rejects unless 201. */
function postUpload(url: string, user: BenchUser, conversationId: string, name: string, body: Buffer, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request(
      {
        host: hostname,
        port,
        agent,
        method: 'POST',
        path: `/api/uploads?conversationId=${encodeURIComponent(conversationId)}&name=${encodeURIComponent(name)}`,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => (res.statusCode === 201 ? resolve(text) : reject(new Error(`upload: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runU1(params: U1Params): Promise<U1Result> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const bytes = params.sizeMiB * 1024 * 1024;
  const totalMb = (params.uploads * bytes) / 1e6;
  const body = payload(bytes);
  const scratch = await mkdtemp(join(tmpdir(), 'quickchat-u1-'));
  const dataDir = join(scratch, 'server');
  const source = join(scratch, 'source.pdf');
  await writeFile(source, body);
  const server = await startQuickchat({
    dataDir,
    serverOptions: { limits: { maxUploadBytes: bytes, uploadQuotaBytes: 2 * params.rounds * params.uploads * bytes, requestTimeoutMs: 120_000 } },
  });
  const bareDir = join(scratch, 'bare');
  await mkdir(bareDir);
  const bare = await startUploadBaseline(bareDir);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const bareAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const [alice, bob] = await registerUsers(server.url, 2, 'u1');
    await befriend(server.url, alice!, bob!);
    const conversationId = dmConversationId(alice!.id, bob!.id);
    const uploads: number[] = [];
    const copies: number[] = [];
    const synced: number[] = [];
    const bareUploads: number[] = [];
    await postUpload(server.url, alice!, conversationId, 'warmup.pdf', body, agent);
    await postUpload(bare.url, alice!, conversationId, 'warmup.pdf', body, bareAgent);
    for (let round = 0; round < params.rounds; round++) {
      checkDeadline(deadline, 'U1');
      let t = performance.now();
      for (let i = 0; i < params.uploads; i++) await postUpload(server.url, alice!, conversationId, `file-${round}-${i}.pdf`, body, agent);
      uploads.push(performance.now() - t);

      t = performance.now();
      for (let i = 0; i < params.uploads; i++) await postUpload(bare.url, alice!, conversationId, `file-${round}-${i}.pdf`, body, bareAgent);
      bareUploads.push(performance.now() - t);

      t = performance.now();
      for (let i = 0; i < params.uploads; i++) await copyFile(source, join(scratch, `copy-${round}-${i}.pdf`));
      copies.push(performance.now() - t);

      t = performance.now();
      for (let i = 0; i < params.uploads; i++) {
        const target = join(scratch, `synced-${round}-${i}.pdf`);
        await copyFile(source, target);
        const handle = await open(target, 'r+');
        await handle.sync();
        await handle.close();
      }
      synced.push(performance.now() - t);
    }
    const side = (times: number[]): U1Side => {
      const ms = median(times);
      return { ms: Math.round(ms), mbPerSec: Math.round(totalMb / (ms / 1000)) };
    };
    const upload = side(uploads);
    const copy = side(copies);
    return {
      params,
      upload,
      copy,
      copySynced: side(synced),
      bareHttp: side(bareUploads),
      ratio: Math.round((upload.mbPerSec / copy.mbPerSec) * 1000) / 1000,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    agent.destroy();
    bareAgent.destroy();
    await Promise.all([server.stop(), bare.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
}
