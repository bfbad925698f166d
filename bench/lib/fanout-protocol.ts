// The IPC messages between P2's parent (bench/lib/fanout.ts) and its receiver processes
// (bench/clients/p2-receivers.ts).

/** The systems P2 compares. */
export type FanoutSystem = 'bare' | 'socketio' | 'quickchat';

/** Parent → receiver process. */
export type FanoutCommand =
  /** Open `count` member sockets on `system` (quickchat: one per token, authenticated). */
  | { cmd: 'connect'; system: FanoutSystem; url: string; count: number; tokens?: string[]; socketioClient?: boolean }
  /** A round of `messages` broadcasts starts: reset the counts, answer `armed`. */
  | { cmd: 'arm'; system: FanoutSystem; messages: number }
  | { cmd: 'exit' };

/** Receiver process → parent. Times are `process.hrtime.bigint()` nanoseconds, as strings. */
export type FanoutReply =
  | { ev: 'started' }
  | { ev: 'connected'; system: FanoutSystem }
  | { ev: 'armed'; system: FanoutSystem }
  /** Every socket of this process has received `min` frames of the round. */
  | { ev: 'progress'; system: FanoutSystem; min: number }
  /** Every socket received all of the round's frames; the last one arrived at `lastNs`. */
  | { ev: 'done'; system: FanoutSystem; firstNs: string; lastNs: string; cpuUs: number; bytes: number }
  | { ev: 'error'; message: string };
