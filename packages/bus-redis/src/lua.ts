import type { Redis } from 'ioredis';

/** A Lua script run atomically on Redis, by name (`EVALSHA`, falling back to `EVAL` once). */
export interface LuaScript {
  (redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Defines `lua` as an ioredis command named `name` (prefixed `qc_` to stay out of other code's
 * way) on each connection it first runs on, then calls it. ioredis sends the SHA and loads the
 * script again by itself when Redis has forgotten it (after a restart).
 */
export function luaScript(name: string, numberOfKeys: number, lua: string): LuaScript {
  const command = `qc_${name}`;
  const defined = new WeakSet<Redis>();
  return (redis, keys, args) => {
    if (!defined.has(redis)) {
      if (!(command in redis)) redis.defineCommand(command, { numberOfKeys, lua });
      defined.add(redis);
    }
    const run = (redis as unknown as Record<string, (...params: (string | number)[]) => Promise<unknown>>)[command];
    if (!run) throw new Error(`script ${command} is not defined`);
    return run.call(redis, ...keys, ...args);
  };
}
