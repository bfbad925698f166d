import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
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
 * (file mode 0600). Secrets given in `overrides` win over the stored ones.
 */
export function loadOrCreateSecrets(dir: string, overrides: SecretOverrides = {}): DevSecrets {
  const file = join(dir, DATA_FILES.secrets);
  let stored: Partial<DevSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    } catch (err) {
      throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
    }
  }
  const secrets: DevSecrets = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    turnSecret: stored.turnSecret ?? randomBytes(32).toString('base64url'),
    fileLinkSecret: stored.fileLinkSecret ?? randomBytes(32).toString('base64url'),
  };
  if (secrets.jwtSecret !== stored.jwtSecret || secrets.turnSecret !== stored.turnSecret || secrets.fileLinkSecret !== stored.fileLinkSecret) {
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  return {
    jwtSecret: overrides.jwtSecret || secrets.jwtSecret,
    turnSecret: overrides.turnSecret || secrets.turnSecret,
    fileLinkSecret: overrides.fileLinkSecret || secrets.fileLinkSecret,
  };
}
