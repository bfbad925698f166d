// Baseline for U1: a bare `node:http` server that writes each request body to a new file in
// `--dir=<dir>` (flushed to disk before the file is closed) and answers 201. No auth, type check,
// size cap, rename or database. Prints `PORT <n>` once listening.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { exitWhenTold } from '../lib/child-main.js';

const dir = process.argv.find((a) => a.startsWith('--dir='))?.slice('--dir='.length);
if (!dir) throw new Error('--dir=<directory> is required');
let next = 0;
const server = createServer((req, res) => {
  pipeline(req, createWriteStream(join(dir, `upload-${next++}`), { flush: true })).then(
    () => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'),
    () => res.writeHead(500).end(),
  );
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));

exitWhenTold(() => new Promise((resolve) => server.close(() => resolve())));
