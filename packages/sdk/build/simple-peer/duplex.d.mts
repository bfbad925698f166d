// Types of duplex.mjs, for its unit test.

/** The subset of Node's `stream.Duplex` that simple-peer 9.11 uses (an eventemitter3 emitter). */
export declare class Duplex {
  readable: boolean;
  writable: boolean;
  _readableState: { ended: boolean };
  _writableState: { ending: boolean; finished: boolean };
  on(event: string, listener: (...args: never[]) => void): this;
  emit(event: string, ...args: unknown[]): boolean;
  push(chunk: unknown): boolean;
  write(chunk: unknown, callback?: (error?: Error | null) => void): boolean;
  write(chunk: unknown, encoding: string, callback?: (error?: Error | null) => void): boolean;
  end(chunk?: unknown, encoding?: string, callback?: () => void): this;
  _write(chunk: unknown, encoding: string, done: (error?: Error | null) => void): void;
}
