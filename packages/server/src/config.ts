import { existsSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import type { Logger } from 'pino';
import { PROTOCOL_LIMITS } from '@quickchat/protocol';
import type { Store } from './store/types.js';
import type { Bus } from './bus/types.js';
import type { BlobStore } from './blobs/types.js';
import type { Presence } from './services/presence/presence.js';

/** Every enforced limit. All are configurable; defaults are in {@link DEFAULT_LIMITS}. */
export interface ServerLimits {
  /** Largest WebSocket frame accepted; larger ones close the socket with 1009 without buffering. */
  maxFrameBytes: number;
  /** Longest message text (≤ the protocol cap of 16000). */
  maxTextLength: number;
  /** Token-bucket refill rate for frames per connection. */
  messagesPerSecond: number;
  /** Token-bucket size (burst) per connection. */
  messageBurst: number;
  /** Rate-limited frames tolerated in a row before the connection is closed (4004). */
  rateLimitStrikes: number;
  /** Open sockets allowed per user across this node. */
  connectionsPerUser: number;
  /** Open sockets allowed per remote IP on this node. */
  connectionsPerIp: number;
  /** A socket must authenticate within this time or is closed (4001). */
  authTimeoutMs: number;
  /** Server ping interval; a socket that misses one pong is closed. */
  heartbeatMs: number;
  /** Bytes a connection may have queued unsent before it is dropped as a slow consumer (4005). */
  maxQueueBytes: number;
  /** Largest JSON request body. */
  maxBodyBytes: number;
  /** Login/register attempts per IP per minute. */
  authAttemptsPerMinute: number;
  /**
   * Failed logins to one account (from any addresses) tolerated before each further attempt
   * must wait; see {@link loginDelayBaseMs}.
   */
  loginFailuresBeforeDelay: number;
  /** Wait after the first failure past the free ones; it doubles with each further failure. */
  loginDelayBaseMs: number;
  /** Longest wait between login attempts to one account, however many failures. */
  loginDelayMaxMs: number;
  /** One counted failure is forgotten per this much time without new failures. */
  loginFailureDecayMs: number;
  /** Node's `server.headersTimeout`: a request head must be complete within this time (≤ `requestTimeoutMs`). */
  headersTimeoutMs: number;
  /** Node's `server.requestTimeout`: a whole request must arrive within this time. */
  requestTimeoutMs: number;
  /**
   * Open HTTP connections allowed per remote IP (WebSocket upgrades stop counting here once
   * upgraded; they have `connectionsPerIp`). Connections past it are closed at once.
   */
  httpConnectionsPerIp: number;
  /** Messages per conversation in one `synced` reply (≤ 100). */
  syncPageSize: number;
  /** User events in one `synced` reply. */
  syncEventsPageSize: number;
  /** Members a group may have (the code holds at 10,000; see docs/groups.md). */
  maxGroupMembers: number;
  /** Groups one user may own at a time. */
  maxOwnedGroups: number;
  /** Pending join requests one group may hold; further requests are refused until some are answered. */
  maxPendingJoinRequests: number;
  /** Invitations one user may send per hour, across all groups. */
  groupInvitesPerHour: number;
  /** Above this many members, typing indicators are not relayed in a group. */
  typingMaxGroupMembers: number;
  /**
   * Above this many members, read and delivery cursors are not pushed to every member (only to
   * the reader's own devices); clients fetch read-by counts on demand instead.
   */
  liveReceiptsMaxGroupMembers: number;
  /** Above this many members, a group's presence changes are sent only to sessions that subscribe (see `presence` frames). */
  presenceMaxGroupMembers: number;
  /**
   * How long a user stays online after their last session went away: a reload or a network
   * switch that reconnects within it shows no offline-online flap to anyone.
   */
  presenceGraceMs: number;
  /** Presence changes for one session are held this long and sent together, in one frame. */
  presenceBatchMs: number;
  /** Users one session may follow with `presence` subscribe frames (more is refused with `validation`). */
  presenceSubscriptionsPerSession: number;
  /** Files one message may carry (≤ 10). */
  maxAttachmentsPerMessage: number;
  /** Largest upload, in bytes: a request body past it is cut off as it streams, never buffered. */
  maxUploadBytes: number;
  /** Bytes of files one user may keep stored (sent and not yet sent); uploads past it are refused. */
  uploadQuotaBytes: number;
  /** An upload not sent in a message within this time is deleted by the sweeper. */
  uploadTtlMs: number;
  /** How long after sending its author may edit a message; 0 (the default): no limit. */
  editWindowMs: number;
  /** Different emoji one message may carry as reactions. */
  maxReactionsPerMessage: number;
  /** TURN credential requests (GET /api/turn-credentials) per user per minute; past it `429`. */
  turnCredentialsPerMinute: number;
  /** How long an unanswered call rings before it ends as `missed`. */
  callRingTimeoutMs: number;
  /**
   * How long a call survives a bound session going away: the user may `rejoin` it from a new
   * session within it (a reload, a network switch); after it the call ends as `failed`.
   */
  callGraceMs: number;
  /** Call invites one user may send per minute (a burst of as many is allowed). */
  callInvitesPerMinute: number;
  /** `signal` frames per second on one socket: their own budget, apart from `messagesPerSecond`. */
  callSignalsPerSecond: number;
  /** Burst of `signal` frames one socket may send at once (trickle ICE sends dozens together). */
  callSignalBurst: number;
}

/** Defaults chosen for a small self-hosted deployment. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxFrameBytes: 64 * 1024,
  maxTextLength: 4000,
  messagesPerSecond: 20,
  messageBurst: 40,
  rateLimitStrikes: 50,
  connectionsPerUser: 10,
  connectionsPerIp: 200,
  authTimeoutMs: 5000,
  heartbeatMs: 30_000,
  maxQueueBytes: 1024 * 1024,
  maxBodyBytes: 64 * 1024,
  authAttemptsPerMinute: 20,
  loginFailuresBeforeDelay: 5,
  loginDelayBaseMs: 1000,
  loginDelayMaxMs: 5 * 60_000,
  loginFailureDecayMs: 10 * 60_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  httpConnectionsPerIp: 128,
  syncPageSize: PROTOCOL_LIMITS.maxPageSize,
  syncEventsPageSize: 500,
  maxGroupMembers: 1000,
  maxOwnedGroups: 100,
  maxPendingJoinRequests: 100,
  groupInvitesPerHour: 100,
  typingMaxGroupMembers: 100,
  liveReceiptsMaxGroupMembers: 100,
  presenceMaxGroupMembers: 100,
  presenceGraceMs: 5000,
  presenceBatchMs: 250,
  presenceSubscriptionsPerSession: 1000,
  maxAttachmentsPerMessage: 10,
  maxUploadBytes: 25 * 1024 * 1024,
  uploadQuotaBytes: 1024 * 1024 * 1024,
  uploadTtlMs: 24 * 3600_000,
  editWindowMs: 0,
  maxReactionsPerMessage: 20,
  turnCredentialsPerMinute: 30,
  callRingTimeoutMs: 30_000,
  callGraceMs: 10_000,
  callInvitesPerMinute: 10,
  callSignalsPerSecond: 50,
  callSignalBurst: 200,
};

/** Bring-your-own identity: JWTs signed by the host application's backend. */
export interface ExternalAuthOptions {
  /** Expected `iss` claim. */
  issuer: string;
  /** Expected `aud` claim. */
  audience: string;
  /** The single accepted algorithm. `none` is never accepted. */
  algorithm: 'HS256' | 'RS256' | 'ES256';
  /** The HS256 shared secret (≥ 32 bytes), or the PEM public key for RS256/ES256. */
  key: string;
}

export interface AuthOptions {
  /** Serve register/login/refresh. Default true. */
  builtinAccounts: boolean;
  /** Lifetime of built-in access tokens. Default 900 s. */
  accessTokenTtlSec: number;
  /** Lifetime of refresh tokens. Default 30 days. */
  refreshTokenTtlSec: number;
  /** `iss` and `aud` of built-in tokens. Default "quickchat". */
  issuer: string;
  audience: string;
  external?: ExternalAuthOptions;
}

/** Secrets given by the operator; each one absent is generated and kept in the data directory. */
export interface SecretOverrides {
  /** HS256 key for built-in access tokens. */
  jwtSecret?: string;
  /** Shared secret for TURN REST credentials. */
  turnSecret?: string;
  /** HMAC key of file download links; nodes serving one deployment must share it. */
  fileLinkSecret?: string;
}

/** The longest TURN credential lifetime the server issues: one hour. */
const MAX_TURN_TTL_SEC = 3600;

/**
 * STUN and TURN servers for calls, handed out by GET /api/turn-credentials (see docs/deploy.md#turn).
 * TURN credentials are minted there from the TURN secret (`secrets.turnSecret`).
 */
export interface TurnOptions {
  /**
   * `stun:`/`stuns:` and `turn:`/`turns:` URLs, e.g. `turn:turn.example.com:3478?transport=udp`,
   * `turns:turn.example.com:5349?transport=tcp`. TURN URLs get credentials; STUN URLs go out as
   * they are. Default none: the endpoint then says that no TURN is configured.
   */
  urls?: string[];
  /** Lifetime of issued TURN credentials in seconds: 60 to 3600 (the default). */
  ttlSec?: number;
}

/** TURN settings after defaults, URLs split by kind. */
export interface ResolvedTurn {
  stunUrls: string[];
  turnUrls: string[];
  ttlSec: number;
}

/** Options of {@link createServer}. Only `dataDir` (or an injected `store`) is required. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Where the SQLite file and generated dev secrets live. */
  dataDir: string;
  /** Storage; default: SQLite in `dataDir`. */
  store?: Store;
  /** Cross-node routing; default: in-process. */
  bus?: Bus;
  /** Where uploaded files' bytes live; default: files under `<dataDir>/files` (`FileBlobStore`). */
  blobStore?: BlobStore;
  /** Who is online, across nodes; default: this node only (`LocalPresence`, grace `limits.presenceGraceMs`). Closed by `stop()` only when it is the default. */
  presence?: Presence;
  /**
   * Several nodes: the Redis every node of the deployment shares, as `redis://[[user]:password@]host[:port][/db]`
   * (`rediss://` for TLS). The server then loads `@quickchat/bus-redis` (install it beside the
   * server) for the bus, presence and who is in which call, and waits for Redis at `start()`.
   * Default none: one node, everything in process. See docs/deploy.md#several-nodes.
   */
  redisUrl?: string;
  /** Origins allowed to open sockets and call REST from browsers. The server's own origin is always allowed. */
  allowedOrigins?: string[];
  /** Accept sockets that send no Origin header (non-browser tools). Default false. */
  allowNoOrigin?: boolean;
  /** Who may DM whom: only mutual friends (default), or anyone not blocked. */
  dmPolicy?: 'friends' | 'anyone';
  auth?: Partial<AuthOptions>;
  limits?: Partial<ServerLimits>;
  /** A pino logger; default: JSON to stdout at `logLevel`. */
  logger?: Logger;
  /** Default "info"; "silent" for tests. */
  logLevel?: string;
  /** SQLite durability: NORMAL (default; survives process crashes) or FULL (also power loss). */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /**
   * Open the embedded SQLite store in shared-writer mode: several server processes on one host
   * share one database file (e.g. behind a local balancer, with a Redis bus between them). Every
   * process must set it. It drops the in-process caches that assume a single writer, at a cost of
   * one read per conversation per append batch, and a write waits up to 5 s for another process's
   * transaction. Default false. Ignored when `store` is given. See docs/server.md.
   */
  sqliteSharedWriter?: boolean;
  /**
   * Secrets to use instead of the ones generated into `dataDir` on first run (e.g. shared by
   * several nodes). The server never reads the environment itself; the CLI maps
   * QUICKCHAT_JWT_SECRET, QUICKCHAT_TURN_SECRET and QUICKCHAT_FILE_LINK_SECRET here.
   */
  secrets?: SecretOverrides;
  /** STUN/TURN URLs and the TURN credential lifetime for calls; default: no STUN or TURN. */
  turn?: TurnOptions;
  /**
   * Demo mode (off by default; never in production: the demo passwords are published on the
   * page). Seeds two friends, `alice` and `bob`, and serves the widget demo page at `/` (the
   * status page moves to `/status`) and `widgetBundle` (the built `quickchat-widget.js`) at
   * `/quickchat-widget.js`, with the lazy files next to it at `/quickchat-widget-<name>-<hash>.js`.
   * Needs built-in accounts.
   */
  demo?: { widgetBundle: string };
}

/** Options after defaults are applied. */
export interface ResolvedConfig {
  port: number;
  host: string;
  dataDir: string;
  allowedOrigins: string[];
  allowNoOrigin: boolean;
  dmPolicy: 'friends' | 'anyone';
  auth: AuthOptions;
  limits: ServerLimits;
  /** Demo mode, or null (the default). */
  demo: { widgetBundle: string } | null;
  turn: ResolvedTurn;
  /** The shared Redis of several nodes, or null (one node). */
  redisUrl: string | null;
}

/** Thrown at startup for invalid configuration, with a message naming the bad setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Applies defaults and checks every setting; throws {@link ConfigError} on the first bad one. */
export function resolveConfig(options: ServerOptions): ResolvedConfig {
  if (!options.dataDir) throw new ConfigError('dataDir is required (flag --data-dir or QUICKCHAT_DATA_DIR)');
  const port = options.port ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be an integer 0-65535, got ${String(port)}`);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (key === 'editWindowMs' && value === 0) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`limits.${key} must be a positive number, got ${String(value)}`);
  }
  if (limits.maxTextLength > PROTOCOL_LIMITS.maxTextLength) throw new ConfigError(`limits.maxTextLength cannot exceed the protocol cap of ${PROTOCOL_LIMITS.maxTextLength}`);
  if (limits.syncPageSize > PROTOCOL_LIMITS.maxPageSize) throw new ConfigError(`limits.syncPageSize cannot exceed ${PROTOCOL_LIMITS.maxPageSize}`);
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new ConfigError('limits.headersTimeoutMs cannot exceed limits.requestTimeoutMs');
  if (limits.maxAttachmentsPerMessage > PROTOCOL_LIMITS.maxAttachmentsPerMessage) throw new ConfigError(`limits.maxAttachmentsPerMessage cannot exceed ${PROTOCOL_LIMITS.maxAttachmentsPerMessage}`);
  if (limits.maxGroupMembers > 10_000) throw new ConfigError('limits.maxGroupMembers cannot exceed 10000 (the size the groups code is proven at)');
  if (limits.loginDelayBaseMs > limits.loginDelayMaxMs) throw new ConfigError('limits.loginDelayBaseMs cannot exceed limits.loginDelayMaxMs');
  const auth: AuthOptions = {
    builtinAccounts: true,
    accessTokenTtlSec: 900,
    refreshTokenTtlSec: 30 * 24 * 3600,
    issuer: 'quickchat',
    audience: 'quickchat',
    ...options.auth,
  };
  if (auth.external) checkExternal(auth.external, auth.issuer);
  if (!auth.builtinAccounts && !auth.external) throw new ConfigError('with builtin accounts disabled, auth.external must be configured');
  const allowedOrigins = options.allowedOrigins ?? [];
  for (const origin of allowedOrigins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`allowed origin "${origin}" is not a URL`);
    }
    if (parsed.origin !== origin) throw new ConfigError(`allowed origin "${origin}" must be scheme://host[:port] with no path (did you mean "${parsed.origin}"?)`);
  }
  const dmPolicy = options.dmPolicy ?? 'friends';
  if (dmPolicy !== 'friends' && dmPolicy !== 'anyone') throw new ConfigError(`dmPolicy must be "friends" or "anyone", got "${String(dmPolicy)}"`);
  const redisUrl = options.redisUrl ?? null;
  if (redisUrl !== null) checkRedisUrl(redisUrl, options);
  const demo = options.demo ?? null;
  if (demo) {
    if (!auth.builtinAccounts) throw new ConfigError('demo mode needs built-in accounts (drop --no-builtin-accounts)');
    if (!demo.widgetBundle || !existsSync(demo.widgetBundle)) {
      throw new ConfigError(`demo mode needs the widget bundle, but "${demo.widgetBundle}" is missing: run \`npm run build\` first (npm start does this)`);
    }
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    dataDir: options.dataDir,
    allowedOrigins,
    allowNoOrigin: options.allowNoOrigin ?? false,
    dmPolicy,
    auth,
    limits,
    demo,
    turn: resolveTurn(options.turn ?? {}),
    redisUrl,
  };
}

/** A Redis URL, and not beside a `bus` or `presence` given by hand (one way to configure each). */
function checkRedisUrl(url: string, options: ServerOptions): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`redisUrl "${url.replace(/\/\/[^@/]*@/, '//***@')}" is not a URL (redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigError(`redisUrl must start with redis:// or rediss://, got "${parsed.protocol}"`);
  if (options.bus || options.presence) throw new ConfigError('redisUrl replaces the bus and presence: pass either redisUrl or your own bus and presence, not both');
}

/** A STUN or TURN URL (RFC 7064/7065): scheme, host or [IPv6], optional port; TURN may name its transport. */
const ICE_URL = /^(?:(stuns?)|(turns?)):(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(\?transport=(?:udp|tcp))?$/;

function resolveTurn(turn: TurnOptions): ResolvedTurn {
  const ttlSec = turn.ttlSec ?? MAX_TURN_TTL_SEC;
  if (!Number.isInteger(ttlSec) || ttlSec < 60 || ttlSec > MAX_TURN_TTL_SEC) throw new ConfigError(`turn.ttlSec must be a whole number of seconds from 60 to ${MAX_TURN_TTL_SEC} (TURN credentials live at most an hour), got ${String(ttlSec)}`);
  const stunUrls: string[] = [];
  const turnUrls: string[] = [];
  for (const url of turn.urls ?? []) {
    const match = ICE_URL.exec(url);
    if (!match || (match[1] && match[3])) throw new ConfigError(`turn.urls: "${url}" is not a STUN or TURN URL (stun:host[:port], turn:host[:port][?transport=udp|tcp], or stuns:/turns:)`);
    (match[1] ? stunUrls : turnUrls).push(url);
  }
  return { stunUrls, turnUrls, ttlSec };
}

function checkExternal(external: ExternalAuthOptions, builtinIssuer: string): void {
  if (!external.issuer || !external.audience) throw new ConfigError('auth.external needs issuer and audience');
  if (external.issuer === builtinIssuer) throw new ConfigError(`auth.external.issuer must differ from the built-in issuer "${builtinIssuer}"`);
  if (!['HS256', 'RS256', 'ES256'].includes(external.algorithm)) throw new ConfigError(`auth.external.algorithm must be HS256, RS256 or ES256, got "${external.algorithm}"`);
  if (external.algorithm === 'HS256' && Buffer.byteLength(external.key ?? '') < 32) throw new ConfigError('auth.external.key for HS256 must be at least 32 bytes');
  if (external.algorithm !== 'HS256' && !/-----BEGIN PUBLIC KEY-----/.test(external.key ?? '')) throw new ConfigError(`auth.external.key for ${external.algorithm} must be a PEM public key`);
  if (external.algorithm !== 'HS256') checkPublicKey(external.algorithm, external.key);
}

/** The key is parsed once at startup (see auth/access-tokens.ts), so a bad one fails here, by name. */
function checkPublicKey(algorithm: 'RS256' | 'ES256', pem: string): void {
  let type: string | undefined;
  try {
    type = createPublicKey(pem).asymmetricKeyType;
  } catch (err) {
    throw new ConfigError(`auth.external.key is not a readable PEM public key: ${(err as Error).message}`);
  }
  const expected = algorithm === 'RS256' ? 'rsa' : 'ec';
  if (type !== expected) throw new ConfigError(`auth.external.key for ${algorithm} must be an ${expected.toUpperCase()} public key, got ${type ?? 'an unknown key type'}`);
}
