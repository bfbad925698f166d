import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

/**
 * A `SqliteStore` in a child process of its own, driven over IPC: what the shared-writer tests use
 * to make two real OS processes write one SQLite file at once. This module is both the parent's
 * handle ({@link StoreProcess}) and, when forked with {@link CHILD_ENV} set, the child's loop.
 */

/** Set in the child's environment: run the serving loop. */
const CHILD_ENV = 'QUICKCHAT_TEST_STORE_PROCESS';
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

type StoreMethod = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof Store];

/** A call from the parent: a store method with its arguments, or the child's own `open` / `exit`. */
interface Request {
  id: number;
  method: StoreMethod | 'open' | 'exit';
  args: unknown[];
}
type Reply = { id: number; result: unknown } | { id: number; error: string };

/** Every child still running, so a crashing test process never leaves one behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The parent's handle on a child process that holds one store. */
export class StoreProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(`store process ${child.pid}: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        live.delete(child);
        for (const waiter of this.waiting.values()) waiter.reject(new Error(`store process ${child.pid} exited (${code})`));
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  /** Forks a child (the store module loaded, nothing opened yet); resolves once it is ready for {@link open}. */
  static async start(): Promise<StoreProcess> {
    const child = fork(fileURLToPath(import.meta.url), [], {
      cwd: REPO_ROOT,
      execArgv: ['--conditions=source', '--import', 'tsx'],
      env: { ...process.env, [CHILD_ENV]: '1', NODE_OPTIONS: '' },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`store process exited before it was ready (${code})`)));
    });
    return new StoreProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Opens the store in the child (migrating the file if needed). */
  open(options: SqliteStoreOptions): Promise<void> {
    return this.send('open', [options]) as Promise<void>;
  }

  /** Calls a `Store` method in the child; its answer comes back structured-cloned. */
  call<M extends StoreMethod>(method: M, ...args: Parameters<Store[M]>): ReturnType<Store[M]> {
    return this.send(method, args) as ReturnType<Store[M]>;
  }

  /** Closes the store and waits for the process to end. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.send('exit', []);
    await this.exited;
  }

  private send(method: Request['method'], args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, method, args } satisfies Request);
    });
  }
}

/** The child: one store, each request answered in the order it arrived. */
async function serve(): Promise<void> {
  const { openSqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
  let store: Store | null = null;
  const reply = (message: Reply) => process.send!(message);
  process.on('message', (request: Request) => {
    const run = async (): Promise<unknown> => {
      if (request.method === 'open') {
        store = openSqliteStore(request.args[0] as SqliteStoreOptions);
        return null;
      }
      if (request.method === 'exit') {
        await store?.close();
        setImmediate(() => process.disconnect());
        return null;
      }
      if (!store) throw new Error('the store is not open');
      return (store[request.method] as (...args: unknown[]) => Promise<unknown>).apply(store, request.args);
    };
    run().then(
      (result) => reply({ id: request.id, result }),
      (err: unknown) => reply({ id: request.id, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }),
    );
  });
  process.send!('ready');
}

if (process.env[CHILD_ENV] === '1' && process.send) void serve();
