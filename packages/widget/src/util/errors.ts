import { QuickchatError } from '@quickchat/sdk';
import type { MessageKey } from '../i18n/index.js';

/** The innermost QuickchatError in a cause chain (the server's own code beats the SDK's wrapper). */
function rootError(err: unknown): QuickchatError | null {
  let found: QuickchatError | null = null;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof QuickchatError) found = e;
  }
  return found;
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
    default:
      return 'error.generic';
  }
}
