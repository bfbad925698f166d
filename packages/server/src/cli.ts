import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createServer, demoBanner } from './app.js';
import { ConfigError, type ServerOptions, type ExternalAuthOptions, type SecretOverrides, type TurnOptions } from './config.js';

/** Where `--demo` looks for the widget bundle, relative to the working directory (the repository root for `npm start`). */
export const DEMO_BUNDLE = 'packages/widget/dist/quickchat-widget.js';

const HELP = `quickchat-server: run the quickchat reference server

Usage: quickchat-server [options]

Options (each also settable by the environment variable shown):
  --port <n>                 PORT                          default 8787 (0 = any free port)
  --host <addr>              HOST                          default 127.0.0.1
  --data-dir <path>          QUICKCHAT_DATA_DIR            default ./.quickchat (SQLite file + generated secrets)
  --allowed-origins <list>   QUICKCHAT_ALLOWED_ORIGINS     comma-separated browser origins allowed to connect
  --allow-no-origin          QUICKCHAT_ALLOW_NO_ORIGIN=1   accept sockets without an Origin header (bots, CLI tools)
  --dm-policy <p>            QUICKCHAT_DM_POLICY           "friends" (default) or "anyone"
  --log-level <l>            QUICKCHAT_LOG_LEVEL           default info
  --sqlite-synchronous <m>   QUICKCHAT_SQLITE_SYNCHRONOUS  NORMAL (default) or FULL
  --sqlite-shared-writer     QUICKCHAT_SQLITE_SHARED_WRITER=1
                                                           several processes on this host share the data dir's
                                                           SQLite file (set it on every one of them)
  --no-builtin-accounts      QUICKCHAT_BUILTIN_ACCOUNTS=0  disable register/login (bring-your-own identity only)
  --redis-url <url>          QUICKCHAT_REDIS_URL           several nodes: the Redis they share (needs @quickchat/bus-redis);
                                                           default none (one node)
                             QUICKCHAT_JWT_SECRET,         secrets every node must share; default: generated
                             QUICKCHAT_FILE_LINK_SECRET    into <data-dir>/secrets.json
  --demo                     QUICKCHAT_DEMO=1              demo mode: seed accounts alice and bob (published passwords!)
                                                           and serve the widget demo at / from
                                                           ./${DEMO_BUNDLE}. Never in production.
  Calls (STUN/TURN handed out by GET /api/turn-credentials; see docs/deploy.md#turn):
  --turn-urls <list>         QUICKCHAT_TURN_URLS           comma-separated stun:, turn:, turns: URLs
  --turn-ttl <sec>           QUICKCHAT_TURN_TTL            TURN credential lifetime, 60-3600 (default 3600)
                             QUICKCHAT_TURN_SECRET         the TURN REST secret (coturn's static-auth-secret);
                                                           default: generated into <data-dir>/secrets.json
  Bring-your-own identity (host-signed JWTs):
  --external-issuer <iss>    QUICKCHAT_EXTERNAL_ISSUER
  --external-audience <aud>  QUICKCHAT_EXTERNAL_AUDIENCE
  --external-algorithm <a>   QUICKCHAT_EXTERNAL_ALGORITHM  HS256, RS256 or ES256
  --external-key-file <f>    QUICKCHAT_EXTERNAL_KEY_FILE   file with the HS256 secret or the PEM public key
                             QUICKCHAT_EXTERNAL_KEY        the key itself, instead of a file
  -h, --help
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Turns flags and environment into server options. Throws ConfigError on bad input. */
export function optionsFromCli(argv: string[], env: NodeJS.ProcessEnv): ServerOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'allow-no-origin': { type: 'boolean' },
        'dm-policy': { type: 'string' },
        'log-level': { type: 'string' },
        'sqlite-synchronous': { type: 'string' },
        'sqlite-shared-writer': { type: 'boolean' },
        'no-builtin-accounts': { type: 'boolean' },
        demo: { type: 'boolean' },
        'external-issuer': { type: 'string' },
        'external-audience': { type: 'string' },
        'external-algorithm': { type: 'string' },
        'external-key-file': { type: 'string' },
        'turn-urls': { type: 'string' },
        'turn-ttl': { type: 'string' },
        'redis-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const portText = values.port ?? env['PORT'] ?? '8787';
  if (!/^\d+$/.test(portText)) throw new ConfigError(`port must be a number, got "${portText}"`);
  const sync = (values['sqlite-synchronous'] ?? env['QUICKCHAT_SQLITE_SYNCHRONOUS'] ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new ConfigError(`sqlite-synchronous must be NORMAL or FULL, got "${sync}"`);
  const logLevel = values['log-level'] ?? env['QUICKCHAT_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const origins = values['allowed-origins'] ?? env['QUICKCHAT_ALLOWED_ORIGINS'];
  const external = externalFrom(values, env);
  const demo = values.demo ?? env['QUICKCHAT_DEMO'] === '1';
  const redisUrl = values['redis-url'] ?? env['QUICKCHAT_REDIS_URL'];
  return {
    port: Number(portText),
    host: values.host ?? env['HOST'] ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env['QUICKCHAT_DATA_DIR'] ?? '.quickchat',
    allowedOrigins: origins ? origins.split(',').map((o) => o.trim()).filter(Boolean) : [],
    allowNoOrigin: values['allow-no-origin'] ?? env['QUICKCHAT_ALLOW_NO_ORIGIN'] === '1',
    dmPolicy: (values['dm-policy'] ?? env['QUICKCHAT_DM_POLICY'] ?? 'friends') as 'friends',
    logLevel,
    sqliteSynchronous: sync,
    sqliteSharedWriter: values['sqlite-shared-writer'] ?? env['QUICKCHAT_SQLITE_SHARED_WRITER'] === '1',
    secrets: secretsFrom(env),
    turn: turnFrom(values, env),
    auth: { builtinAccounts: !(values['no-builtin-accounts'] ?? env['QUICKCHAT_BUILTIN_ACCOUNTS'] === '0'), ...(external ? { external } : {}) },
    ...(demo ? { demo: { widgetBundle: resolve(DEMO_BUNDLE) } } : {}),
    ...(redisUrl ? { redisUrl } : {}),
  };
}

/** Operator-given secrets from the environment (empty values count as absent). */
function secretsFrom(env: NodeJS.ProcessEnv): SecretOverrides {
  const jwtSecret = env['QUICKCHAT_JWT_SECRET'];
  const turnSecret = env['QUICKCHAT_TURN_SECRET'];
  const fileLinkSecret = env['QUICKCHAT_FILE_LINK_SECRET'];
  return { ...(jwtSecret ? { jwtSecret } : {}), ...(turnSecret ? { turnSecret } : {}), ...(fileLinkSecret ? { fileLinkSecret } : {}) };
}

/** STUN/TURN URLs and the credential lifetime; the URLs' syntax and the TTL range are checked by `resolveConfig`. */
function turnFrom(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): TurnOptions {
  const urls = (values['turn-urls'] as string | undefined) ?? env['QUICKCHAT_TURN_URLS'];
  const ttl = (values['turn-ttl'] as string | undefined) ?? env['QUICKCHAT_TURN_TTL'];
  if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new ConfigError(`turn-ttl must be a number of seconds, got "${ttl}"`);
  return {
    ...(urls ? { urls: urls.split(',').map((u) => u.trim()).filter(Boolean) } : {}),
    ...(ttl !== undefined ? { ttlSec: Number(ttl) } : {}),
  };
}

function externalFrom(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): ExternalAuthOptions | undefined {
  const issuer = (values['external-issuer'] as string | undefined) ?? env['QUICKCHAT_EXTERNAL_ISSUER'];
  if (!issuer) {
    const stray = ['external-audience', 'external-algorithm', 'external-key-file'].find((flag) => values[flag] !== undefined);
    if (stray) throw new ConfigError(`--${stray} needs --external-issuer (or QUICKCHAT_EXTERNAL_ISSUER)`);
    return undefined;
  }
  const keyFile = (values['external-key-file'] as string | undefined) ?? env['QUICKCHAT_EXTERNAL_KEY_FILE'];
  let key = env['QUICKCHAT_EXTERNAL_KEY'] ?? '';
  if (!keyFile && !key) throw new ConfigError('--external-issuer needs a key: pass --external-key-file <file> or set QUICKCHAT_EXTERNAL_KEY');
  if (keyFile) {
    try {
      key = readFileSync(keyFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`cannot read external key file "${keyFile}": ${(err as Error).message}`);
    }
  }
  const audience = (values['external-audience'] as string | undefined) ?? env['QUICKCHAT_EXTERNAL_AUDIENCE'];
  if (!audience) throw new ConfigError('--external-issuer needs --external-audience (or QUICKCHAT_EXTERNAL_AUDIENCE)');
  return {
    issuer,
    audience,
    algorithm: ((values['external-algorithm'] as string | undefined) ?? env['QUICKCHAT_EXTERNAL_ALGORITHM'] ?? 'HS256') as ExternalAuthOptions['algorithm'],
    key,
  };
}

/** Runs the server from the command line until SIGINT/SIGTERM. Exits 2 on bad configuration. */
export async function runCli(): Promise<void> {
  let server;
  try {
    server = createServer(optionsFromCli(process.argv.slice(2), process.env));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`quickchat-server: ${err.message}\nRun with --help for options.\n`);
      process.exit(2);
    }
    throw err;
  }
  try {
    const { url, port } = await server.start();
    process.stderr.write(`quickchat server ready at ${url}\n`);
    if (server.config.demo) process.stderr.write(`${demoBanner(server.config.host, port)}\n`);
  } catch (err) {
    process.stderr.write(`quickchat-server: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`quickchat-server: ${signal}, shutting down\n`);
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
