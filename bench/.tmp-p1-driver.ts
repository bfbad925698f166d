import { quickchatPair, timeLoop } from './p1-latency.js';
import { latencyStats, payloadText } from './lib/stats.js';
const port = process.argv[2];
const n = Number(process.argv[3] ?? 3000);
const pair = await quickchatPair(`http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}/ws`, payloadText(32));
await timeLoop(pair, 500, Date.now() + 60000, 'w');
const s = latencyStats(await timeLoop(pair, n, Date.now() + 60000, 'm'));
console.log(JSON.stringify(s));
pair.arrivals.dispose(); for (const ws of pair.sockets) ws.terminate();
