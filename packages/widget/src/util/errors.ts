import { QuickchatError } from '@quickchat/sdk';
import type { MessageKey } from '../i18n/index.js';

/** The innermost QuickchatError in a cause chain (the server's own code beats the SDK's wrapper). */
export function rootError(err: unknown): QuickchatError | null {
  let found: QuickchatError | null = null;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof QuickchatError) found = e;
  }
  return found;
}

let originReported = false;

/**
 * The server refuses this page's origin: tell the site owner in the console (once per page),
 * since only they can fix it. The widget itself shows `error.originNotAllowed`.
 */
export function reportOriginRefused(): void {
  if (originReported) return;
  originReported = true;
  const origin = typeof location === 'undefined' ? 'this page’s origin' : location.origin;
  console.error(
    `quickchat: the chat server does not allow ${origin}. Add it to the server's allowed origins: --allowed-origins ${origin} (or QUICKCHAT_ALLOWED_ORIGINS, or createServer({ allowedOrigins })). See docs/server.md#origins.`,
  );
}

/**
 * The message key that explains `err` to a person. `overrides` maps error codes to
 * screen-specific wording (e.g. `unauthenticated` on the sign-in form means a wrong password).
 */
export function errorKey(err: unknown, overrides: Partial<Record<string, MessageKey>> = {}): MessageKey {
  const code = rootError(err)?.code ?? 'network';
  const specific = overrides[code];
  if (specific) return specific;
  switch (code) {
    case 'network':
    case 'timeout':
    case 'disconnected':
    case 'internal':
      return 'error.network';
    case 'rate_limited':
      return 'error.rateLimited';
    case 'not_found':
      return 'error.notFound';
    case 'unauthenticated':
    case 'auth_expired':
    case 'auth_failed':
      return 'error.unauthenticated';
    case 'validation':
    case 'payload_too_large':
      return 'error.validation';
    case 'origin_not_allowed':
      reportOriginRefused();
      return 'error.originNotAllowed';
    default:
      return 'error.generic';
  }
}
