import type { CallOutcome, CallReason } from '@quickchat/sdk/calls';
import type { CallTranslate } from './strings.js';

/** A call's length as m:ss (h:mm:ss past an hour). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}` : mmss;
}

/** How a call ended, as this device saw it (see {@link endedText}). */
export interface Ending {
  outcome: CallOutcome | null;
  code: CallReason | null;
  direction: 'outgoing' | 'incoming';
  /** The last error the session reported (its message), e.g. why it did not connect. */
  error: string | null;
  /** How long the call was connected, if it was. */
  connectedMs: number | null;
}

/**
 * What to say about an ended call, or null when there is nothing to say (this device declined
 * it, or it was answered on another device: the screen just closes).
 */
export function endedText(e: Ending, name: string, t: CallTranslate): string | null {
  switch (e.outcome) {
    case 'completed':
      return t('completed', { duration: formatDuration(e.connectedMs ?? 0) });
    case 'declined':
      return e.direction === 'outgoing' ? t('declined', { name }) : null;
    case 'busy':
      return t('busy', { name });
    case 'missed':
      return e.direction === 'outgoing' ? t('noAnswer', { name }) : t('missed', { name });
    case 'cancelled':
      return e.direction === 'outgoing' ? t('cancelled') : t('missed', { name });
    case 'failed':
      return e.error ? t('failedWhy', { error: e.error }) : t('failed');
  }
  if (e.code === 'answered_elsewhere' || e.code === 'client_closed') return null;
  if (e.code === 'moved_elsewhere') return t('movedElsewhere');
  return e.error ? t('failedWhy', { error: e.error }) : t('lost');
}

/**
 * Why placing or answering a call failed, in words: the browser's media errors (permission
 * denied, no device, device in use, no media support) and the SDK's `CallError` codes.
 */
export function failureText(error: unknown, name: string, t: CallTranslate): string {
  const err = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return t('denied');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return t('noDevice');
    case 'NotReadableError':
    case 'AbortError':
      return t('deviceBusy');
  }
  switch (err?.code) {
    case 'not_found':
      return t('notCallable', { name });
    case 'conflict':
      return t('inCall');
    case 'rate_limited':
      return t('rateLimited');
    case 'disconnected':
    case 'client_closed':
      return t('offline');
  }
  if (err instanceof TypeError && (typeof navigator === 'undefined' || !navigator.mediaDevices)) return t('unsupported');
  return t('otherError', { error: typeof err?.message === 'string' ? err.message : String(error) });
}
