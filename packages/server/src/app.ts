import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import express, { type Request } from 'express';
import type { Logger } from 'pino';
import { resolveConfig, type ResolvedConfig, type ServerOptions } from './config.js';
import { DATA_FILES, ensureDataDir, loadOrCreateSecrets } from './data-dir.js';
import { createLogger } from './log.js';
import type { Store } from './store/types.js';
import type { Bus } from './bus/types.js';
import { LocalBus } from './bus/local.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import { AccessTokens } from './auth/access-tokens.js';
import { AccountService } from './services/accounts.js';
import { FriendService } from './services/friends.js';
import { MessageService } from './services/messages.js';
import { ConversationAccess } from './services/access/access.js';
import { GroupCommitter } from './services/groups/commit.js';
import { GroupService } from './services/groups/group-service.js';
import { MembershipService } from './services/groups/membership.js';
import { LocalPresence } from './services/presence/local-presence.js';
import { PresenceService } from './services/presence/presence-service.js';
import { CallService } from './services/calls/call-service.js';
import { CallRouter } from './services/calls/call-router.js';
import { LocalCallRegistry } from './services/calls/registry.js';
import { LocalNodes } from './services/nodes.js';
import { connectScaleOut } from './scale-out.js';
import type { ServiceContext } from './services/context.js';
import { newId } from './ids.js';
import { Gateway } from './gateway/gateway.js';
import { SessionRegistry } from './gateway/sessions.js';
import { KeyedRateLimiter } from './limits/token-bucket.js';
import { bearerToken, cors, errorHandler, limitByIp, notFoundHandler, originRefusalLog } from './http/middleware.js';
import { createHttpServer } from './http/http-server.js';
import { buildOpenApi } from './http/openapi.js';
import type { Route } from './http/routes.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { friendRoutes } from './routes/friends.js';
import { conversationRoutes } from './routes/conversations.js';
import { groupRoutes } from './routes/groups.js';
import { searchRoutes } from './routes/search.js';
import { turnRoutes } from './routes/turn.js';
import { TurnService } from './turn/turn-service.js';
import { SearchService } from './services/search/search-service.js';
import { registerHealth, registerStatusPage } from './routes/meta.js';
import { registerDemo } from './routes/demo.js';
import { DEMO_ACCOUNTS, seedDemo } from './demo/seed.js';
import { FileBlobStore } from './blobs/file-blob-store.js';
import { AttachmentService } from './services/attachments/attachment-service.js';
import { FileLinks } from './services/attachments/file-links.js';
import { UploadSweeper } from './services/attachments/sweeper.js';
import { attachmentRoutes, registerFileDownloads } from './routes/attachments.js';

/** A running (or startable) quickchat server. */
export interface QuickchatServer {
  /** Opens storage, binds the port and accepts traffic. Resolves with the bound address. */
  start(): Promise<{ port: number; url: string }>;
  /** Closes sockets (1001), finishes queued writes, closes the port and storage. Idempotent. */
  stop(): Promise<void>;
  /** The bound port (after `start`). */
  readonly port: number;
  /** `http://host:port` (after `start`). */
  readonly url: string;
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
}

/** Reads this package's version once, for the status page and OpenAPI. */
export const SERVER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Creates a server. Nothing happens until `start()`: no files, sockets or timers at import or
 * construction time beyond validating the options (bad config throws `ConfigError` here).
 */
export function createServer(options: ServerOptions): QuickchatServer {
  const config = resolveConfig(options);
  let running: Running | null = null;
  let starting: Promise<Running> | null = null;
  let stopping: Promise<void> | null = null;
  return {
    config,
    get port() {
      return running?.port ?? 0;
    },
    get url() {
      return running ? `http://${formatHost(config.host)}:${running.port}` : '';
    },
    async start() {
      if (running || starting) throw new Error('server already started');
      starting = startRunning(options, config);
      try {
        running = await starting;
      } finally {
        starting = null;
      }
      return { port: running.port, url: `http://${formatHost(config.host)}:${running.port}` };
    },
    async stop() {
      if (starting) await starting.catch(() => undefined);
      if (!running) return;
      const current = running;
      // Once stopped, the same instance can be started again.
      stopping ??= current.stop().finally(() => {
        if (running === current) running = null;
        stopping = null;
      });
      await stopping;
    },
  };
}

interface Running {
  port: number;
  stop(): Promise<void>;
}

async function startRunning(options: ServerOptions, config: ResolvedConfig): Promise<Running> {
  const log: Logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  ensureDataDir(config.dataDir);
  const secrets = loadOrCreateSecrets(config.dataDir, options.secrets);
  const nodeId = newId('n');
  // Several nodes: the bus, presence and call state they share (Redis). Nothing is open yet if it fails.
  const scaleOut = config.redisUrl ? await connectScaleOut({ url: config.redisUrl, nodeId, presenceGraceMs: config.limits.presenceGraceMs, log }) : null;
  const ownsStore = !options.store;
  const store: Store = options.store ?? openSqliteStore({
    file: join(config.dataDir, DATA_FILES.database),
    synchronous: options.sqliteSynchronous ?? 'NORMAL',
    sharedWriter: options.sqliteSharedWriter === true,
  });
  const ownsBus = !options.bus && !scaleOut;
  const bus: Bus = options.bus ?? scaleOut?.bus ?? new LocalBus({ onHandlerError: (err, topic) => log.error({ err, topic }, 'bus subscriber failed') });
  const ctx: ServiceContext = { nodeId, store, bus, config, log, now: Date.now };

  const accounts = new AccountService(ctx, new AccessTokens(config.auth, secrets.jwtSecret));
  const access = new ConversationAccess(ctx);
  const friends = new FriendService(ctx, access);
  const blobs = options.blobStore ?? new FileBlobStore(join(config.dataDir, DATA_FILES.files));
  const attachments = new AttachmentService(ctx, access, blobs, new FileLinks(secrets.fileLinkSecret, ctx.now));
  const uploadSweeper = new UploadSweeper({ store, blobs, log, now: ctx.now }, config.limits.uploadTtlMs);
  const messages = new MessageService(ctx, access, (blobKeys) => void attachments.discard(blobKeys));
  const committer = new GroupCommitter(ctx, access);
  const membership = new MembershipService(ctx, access, committer);
  const groups = new GroupService(ctx, access, committer, membership);
  const ownsPresence = !options.presence && !scaleOut;
  const onlineUsers = options.presence ?? scaleOut?.presence ?? new LocalPresence({ graceMs: config.limits.presenceGraceMs, now: Date.now });
  const presence = new PresenceService(ctx, onlineUsers);
  const nodes = scaleOut?.nodes ?? new LocalNodes(nodeId);
  const callRegistry = scaleOut?.callRegistry ?? new LocalCallRegistry(nodeId);
  const calls = new CallRouter(ctx, new CallService(ctx, access, { registry: callRegistry }), callRegistry, nodes);
  const sessions = new SessionRegistry(bus, config.limits.connectionsPerUser, (userId) => store.listGroupsOf(userId));

  let port = 0;
  const ownOrigins = () => new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]);
  const isOriginAllowed = (origin: string | undefined): boolean => {
    if (origin === undefined) return config.allowNoOrigin;
    return config.allowedOrigins.includes(origin) || ownOrigins().has(origin);
  };

  const refusedOrigin = originRefusalLog(log);
  const gateway = new Gateway({ accounts, messages, presence, calls, sessions, limits: config.limits, log, now: Date.now, isOriginAllowed, refusedOrigin });
  const startedAt = Date.now();
  let ready = false;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const refused = res.locals['originRefused'] ? { origin: req.headers.origin, originRefused: true } : {};
      log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ...refused }, 'http request');
    });
    next();
  });
  app.use(cors(isOriginAllowed, refusedOrigin));
  app.use(express.text({ type: ['application/json', 'application/*+json'], limit: config.limits.maxBodyBytes }));
  const authLimiter = limitByIp(new KeyedRateLimiter(config.limits.authAttemptsPerMinute / 60, config.limits.authAttemptsPerMinute));
  app.use(['/api/auth/login', '/api/auth/register', '/api/auth/refresh'], authLimiter);

  const routes: Route[] = [
    ...(config.auth.builtinAccounts ? authRoutes(accounts) : []),
    ...userRoutes(accounts, presence),
    ...friendRoutes(friends),
    ...conversationRoutes(messages),
    ...attachmentRoutes(attachments),
    ...groupRoutes(groups, membership),
    ...searchRoutes(new SearchService(ctx, access)),
    ...turnRoutes(new TurnService(config.turn, secrets.turnSecret, config.limits.turnCredentialsPerMinute)),
  ];
  const router = express.Router();
  const authenticate = (req: Request) => accounts.authenticate(bearerToken(req));
  for (const r of routes) r.register(router, authenticate);
  const openapi = buildOpenApi(routes, SERVER_VERSION);
  router.get('/api/openapi.json', (_req, res) => void res.json(openapi));
  registerHealth(router, () => ready);
  registerFileDownloads(router, attachments, ctx.now);
  const describeStatus = () => ({ version: SERVER_VERSION, sessions: sessions.size, uptimeSec: Math.round((Date.now() - startedAt) / 1000), demo: config.demo !== null });
  if (config.demo) {
    registerDemo(router, config.demo.widgetBundle);
    registerStatusPage(router, describeStatus, '/status');
  } else {
    registerStatusPage(router, describeStatus);
  }
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const http: HttpServer = createHttpServer(app, config.limits, log);
  http.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  // Back on the bus after an outage: every session here may have missed frames from other nodes.
  // Caches and group routing are brought up to date first, then every client syncs (once per outage).
  const stopResync = bus.onResume(() => {
    log.warn({ sessions: sessions.size }, 'bus link restored: every session resyncs');
    access.forgetAll();
    sessions
      .reloadGroups()
      .catch((err: unknown) => log.error({ err }, 'group routing not reloaded after the bus outage'))
      .finally(() => gateway.resync());
  });
  try {
    await access.start();
    await presence.start();
    // Calls whose node is gone (this one's previous run crashed mid-call) get their records before
    // any socket; call frames forwarded from other nodes are heard from now on.
    await calls.start();
    if (config.demo) await seedDemo({ store, accounts, friends, groups, log });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Release what was opened so a failed start leaks nothing and can be retried.
    stopResync();
    gateway.close();
    access.close();
    presence.close();
    await calls.close();
    if (ownsPresence) onlineUsers.close();
    if (ownsBus) await bus.close();
    await scaleOut?.close();
    if (ownsStore) await store.close();
    throw err;
  }
  port = (http.address() as AddressInfo).port;
  ready = true;
  uploadSweeper.start();
  log.info({ port, host: config.host, dataDir: config.dataDir }, 'quickchat server listening');
  if (config.demo) log.warn({ port }, demoBanner(config.host, port));

  return {
    port,
    async stop() {
      ready = false;
      // Calls in progress end first, while their sessions can still hear it, and leave their records.
      await calls.close();
      gateway.close();
      await messages.drain();
      access.close();
      presence.close();
      if (ownsPresence) onlineUsers.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await uploadSweeper.stop();
      stopResync();
      if (ownsBus) await bus.close();
      await scaleOut?.close();
      if (ownsStore) await store.close();
      log.info('quickchat server stopped');
    },
  };
}

/** The one line that tells a newcomer what to do in demo mode. */
export function demoBanner(host: string, port: number): string {
  const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  const accounts = DEMO_ACCOUNTS.map((a) => `${a.handle} / ${a.password}`).join(', ');
  return `demo mode: open http://${local ? 'localhost' : formatHost(host)}:${port}/ in two windows; accounts ${accounts} (demo passwords are public: never use --demo in production)`;
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
