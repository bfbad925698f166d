import { pino, type Logger } from 'pino';

/**
 * Structured JSON logger. Credentials are redacted by path as a second line of defence;
 * the first is that no code logs a token, password or Authorization header at all.
 */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'quickchat' },
    redact: {
      paths: ['token', 'accessToken', 'refreshToken', 'password', '*.token', '*.password', '*.refreshToken', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
