import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, findFreePort } from '../../../server/test/support/child-server.js';
import { RedisServer } from '../../../server/test/support/redis-server.js';
import { TcpBalancer } from './tcp-balancer.js';
import { Rest, type TestUser } from '../../../server/test/support/rest.js';

/**
 * A multi-node deployment on this machine, all real: one `redis-server`, server nodes running the
 * real CLI as child processes that share one SQLite file (shared-writer mode) and that Redis, and
 * a TCP balancer in front of them. Tests reach a chosen node directly (`nodes[i].url`) to place
 * users on different nodes, or go through the balancer (`url`) as clients of a deployment do.
 */
export class Cluster {
  private constructor(
    readonly redis: RedisServer,
    readonly nodes: readonly ChildServer[],
    readonly balancer: TcpBalancer,
    readonly dataDir: string,
  ) {}

  /** Starts Redis, `count` nodes (in parallel) and the balancer. */
  static async start(count = 2): Promise<Cluster> {
    const redis = await RedisServer.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-cluster-'));
    const args = ['--redis-url', redis.url, '--sqlite-shared-writer'];
    const nodes: ChildServer[] = [];
    for (let i = 0; i < count; i++) nodes.push(new ChildServer(await findFreePort(), dataDir, args));
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (err) {
      await Promise.all(nodes.map((n) => n.kill()));
      await redis.kill();
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    const balancer = await TcpBalancer.start(nodes.map((n) => n.port));
    return new Cluster(redis, nodes, balancer, dataDir);
  }

  /** The balancer's URL: what clients of the deployment use. */
  get url(): string {
    return this.balancer.url;
  }

  /** The shared SQLite file. */
  get dbFile(): string {
    return join(this.dataDir, 'quickchat.db');
  }

  /** Registers users (through node 0: every node shares the store) and makes each listed pair mutual friends. */
  async users<const H extends string>(handles: readonly H[], friendships: readonly (readonly [H, H])[] = []): Promise<Record<H, TestUser>> {
    const rest = new Rest(this.nodes[0]!.url);
    const users = {} as Record<H, TestUser>;
    for (const handle of handles) users[handle] = await rest.register(handle);
    for (const [a, b] of friendships) await rest.befriend(users[a], users[b]);
    return users;
  }

  /** Stops everything (SIGKILL: nothing here needs a graceful stop) and deletes the data directory. */
  async stop(): Promise<void> {
    await this.balancer.close();
    await Promise.all(this.nodes.map((n) => n.kill()));
    await this.redis.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
