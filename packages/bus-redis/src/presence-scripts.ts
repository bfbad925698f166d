import { luaScript } from './lua.js';

/**
 * The atomic steps of `RedisPresence`, one Lua script each. Every script that changes what
 * watchers may see publishes the new record itself (`PUBLISH` inside the script), so the change
 * and its notice are one step: no two nodes can both announce the same transition, and every
 * node hears them in the order Redis applied them.
 *
 * Key layout (see keys.ts): `presence:<user>` hash node → devices; `presence-node:<node>` set of
 * users; `presence-nodes` set of nodes holding fields; `presence-pending` zset user → grace end;
 * `presence-meta:<user>` hash (`visible`, `seen`, `left`) with a long TTL.
 */

/** Builds and publishes a record: (channel, userId, online, visible, lastSeenAt or nil). */
const PUBLISH_RECORD = `local function publish(channel, userId, online, visible, seen)
  local record = { userId = userId, online = online, visible = visible }
  if seen then record.lastSeenAt = tonumber(seen) end
  redis.call('PUBLISH', channel, cjson.encode(record))
end
`;

/**
 * A session (or, with mode `set`, all of this node's sessions of the user, re-asserted) came:
 * counts it, cancels a pending offline, records visibility; announces "online" if the user was
 * not online anywhere, or the new visibility if it changed.
 * KEYS: hash, nodeUsers, presenceNodes, pending, meta. ARGV: channel, userId, nodeId, visible
 * ('1' | '0'), count, mode ('incr' | 'set'), metaTtlMs.
 */
export const CONNECT = luaScript(
  'presence_connect',
  5,
  `${PUBLISH_RECORD}
local was = redis.call('HLEN', KEYS[1]) > 0 or redis.call('ZSCORE', KEYS[4], ARGV[2]) ~= false
if ARGV[6] == 'set' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[5]) else redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[5]) end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('ZREM', KEYS[4], ARGV[2])
local before = redis.call('HGET', KEYS[5], 'visible')
redis.call('HSET', KEYS[5], 'visible', ARGV[4])
redis.call('HDEL', KEYS[5], 'left')
redis.call('PEXPIRE', KEYS[5], ARGV[7])
if not was then
  if ARGV[4] == '1' then publish(ARGV[1], ARGV[2], true, true, nil) end
elseif before ~= ARGV[4] then
  publish(ARGV[1], ARGV[2], true, ARGV[4] == '1', nil)
end
return 0`,
);

/**
 * A session of the user on this node went (mode `one`; `all`: none of them is here any more):
 * one device less; when none is left on any node, the grace period starts (a pending offline,
 * due at `dueAt`). Returns 1 when it did.
 * KEYS: hash, nodeUsers, pending, meta. ARGV: userId, nodeId, leftAt, dueAt, metaTtlMs, mode.
 */
export const DISCONNECT = luaScript(
  'presence_disconnect',
  4,
  `local n = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if n <= 0 then return 0 end
if n == 1 or ARGV[6] == 'all' then
  redis.call('HDEL', KEYS[1], ARGV[2])
  redis.call('SREM', KEYS[2], ARGV[1])
else
  redis.call('HINCRBY', KEYS[1], ARGV[2], -1)
end
if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[4], 'left', ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
return 1`,
);

/**
 * The user showed or hid their presence: announced (with their current state) only if it changed.
 * KEYS: hash, pending, meta. ARGV: channel, userId, visible ('1' | '0'), metaTtlMs.
 */
export const SET_VISIBLE = luaScript(
  'presence_visible',
  3,
  `${PUBLISH_RECORD}
if redis.call('HGET', KEYS[3], 'visible') == ARGV[3] then return 0 end
redis.call('HSET', KEYS[3], 'visible', ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
local online = redis.call('HLEN', KEYS[1]) > 0 or redis.call('ZSCORE', KEYS[2], ARGV[2]) ~= false
local seen = nil
if not online then seen = redis.call('HGET', KEYS[3], 'seen') end
publish(ARGV[1], ARGV[2], online, ARGV[3] == '1', seen)
return 1`,
);

/**
 * Run by every node each sweep interval (and when a node is found gone):
 * 1. for every node holding presence fields whose heartbeat key is gone (not the caller), removes
 *    its fields; a user left with no session anywhere enters the grace period from `now`;
 * 2. takes up to `limit` pending offlines that are due: a user still without sessions goes
 *    offline with `lastSeenAt` = when their last session left (announced if visible). `ZREM`
 *    inside the script makes the sweeper that takes an entry the only one to announce it.
 * Returns how many pending entries it took (the caller runs again when it hit `limit`).
 * KEYS: pending, presenceNodes. ARGV: channel, now, graceMs, selfNode, presencePrefix,
 * metaPrefix, nodeUsersPrefix, heartbeatPrefix, metaTtlMs, limit.
 */
export const SWEEP = luaScript(
  'presence_sweep',
  2,
  `${PUBLISH_RECORD}
local now = tonumber(ARGV[2])
for _, node in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if node ~= ARGV[4] and redis.call('EXISTS', ARGV[8] .. node) == 0 then
    local usersKey = ARGV[7] .. node
    for _, user in ipairs(redis.call('SMEMBERS', usersKey)) do
      local hash = ARGV[5] .. user
      if redis.call('HDEL', hash, node) == 1 and redis.call('HLEN', hash) == 0 then
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), user)
        redis.call('HSET', ARGV[6] .. user, 'left', now)
        redis.call('PEXPIRE', ARGV[6] .. user, ARGV[9])
      end
    end
    redis.call('DEL', usersKey)
    redis.call('SREM', KEYS[2], node)
  end
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[10]))
for _, user in ipairs(due) do
  redis.call('ZREM', KEYS[1], user)
  if redis.call('HLEN', ARGV[5] .. user) == 0 then
    local meta = ARGV[6] .. user
    local left = redis.call('HGET', meta, 'left') or tostring(now)
    redis.call('HSET', meta, 'seen', left)
    redis.call('HDEL', meta, 'left')
    redis.call('PEXPIRE', meta, ARGV[9])
    if redis.call('HGET', meta, 'visible') == '1' then publish(ARGV[1], user, false, true, left) end
  end
end
return #due`,
);
