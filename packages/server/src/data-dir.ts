import { mkdirSync, readFileSync, writeFileSync, existsSync, linkSync, renameSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SecretOverrides } from './config.js';

/** Secrets generated on first run and persisted in the data directory (never in the repo). */
export interface DevSecrets {
  /** HS256 key for built-in access tokens. */
  jwtSecret: string;
  /** Shared secret for TURN REST credentials (used by the calls capability). */
  turnSecret: string;
  /** HMAC key of signed, short-lived file download links (services/attachments/file-links.ts). */
  fileLinkSecret: string;
}

/** File names inside the data directory. */
export const DATA_FILES = { database: 'quickchat.db', secrets: 'secrets.json', files: 'files' } as const;

/** Creates the data directory if needed (mode 0700). */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Loads secrets from `<dataDir>/secrets.json`, generating and saving any that are missing
 * (file mode 0600). Secrets given in `overrides` win over the stored ones. Safe when several
 * processes share the data directory and start at once (one host, shared SQLite): the first
 * file to land wins and every process uses it, so they all sign and verify with the same keys.
 */
export function loadOrCreateSecrets(dir: string, overrides: SecretOverrides = {}): DevSecrets {
  const file = join(dir, DATA_FILES.secrets);
  const stored = readSecrets(file);
  const secrets = isComplete(stored) ? stored : saveSecrets(file, stored);
  return {
    jwtSecret: overrides.jwtSecret || secrets.jwtSecret,
    turnSecret: overrides.turnSecret || secrets.turnSecret,
    fileLinkSecret: overrides.fileLinkSecret || secrets.fileLinkSecret,
  };
}

function readSecrets(file: string): Partial<DevSecrets> | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
  }
}

function isComplete(stored: Partial<DevSecrets> | null): stored is DevSecrets {
  return !!stored?.jwtSecret && !!stored.turnSecret && !!stored.fileLinkSecret;
}

/**
 * Fills in what `stored` lacks and writes the file whole: a new file is hard-linked into place,
 * which fails if another process got there first (then theirs is read and used); an older file
 * missing a secret is replaced by rename. Readers never see a half-written file.
 */
function saveSecrets(file: string, stored: Partial<DevSecrets> | null): DevSecrets {
  const secrets: DevSecrets = {
    jwtSecret: stored?.jwtSecret ?? randomBytes(32).toString('base64url'),
    turnSecret: stored?.turnSecret ?? randomBytes(32).toString('base64url'),
    fileLinkSecret: stored?.fileLinkSecret ?? randomBytes(32).toString('base64url'),
  };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  if (stored) {
    renameSync(temp, file);
    return secrets;
  }
  try {
    linkSync(temp, file);
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const theirs = readSecrets(file);
    if (!isComplete(theirs)) throw new Error(`${file} was written by another process but is incomplete; delete it and start again`);
    return theirs;
  } finally {
    unlinkSync(temp);
  }
}
