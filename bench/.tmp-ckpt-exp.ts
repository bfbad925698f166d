import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
for (const interval of [Number(process.env.QC_INT ?? 100)]) {
  const dir = mkdtempSync(join(tmpdir(), 'qc-ckpt-'));
  const file = join(dir, 'db');
  const store = openSqliteStore({ file, checkpointIntervalMs: interval });
  const times: number[] = [];
  let maxWal = 0;
  const N = 20000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await store.appendMessages([{ id: `m_${i}`, conversationId: 'dm:u_a~u_b', members: ['u_a', 'u_b'], senderId: 'u_a', clientMsgId: `c${i}`, content: { type: 'text', text: 'x'.repeat(32) }, createdAt: Date.now() }]);
    times.push(performance.now() - t);
    if (i % 500 === 0) { maxWal = Math.max(maxWal, statSync(file + '-wal').size); await new Promise((r) => setImmediate(r)); }
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.floor(p * (N - 1))]! * 1000).toFixed(0);
  console.log(`interval ${interval}: total ${total.toFixed(0)} ms, p50 ${q(0.5)}us p99 ${q(0.99)}us p999 ${q(0.999)}us max ${q(1)}us; >1ms: ${times.filter((x) => x > 1).length}; max wal ${(maxWal / 1e6).toFixed(1)} MB`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
