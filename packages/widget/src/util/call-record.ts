import type { CallRecordContent } from '@quickchat/sdk';
import type { MessageKey, Translate } from '../i18n/index.js';

const KEYS: Record<CallRecordContent['outcome'], MessageKey> = {
  completed: 'call.completed',
  missed: 'call.missed',
  declined: 'call.declined',
  cancelled: 'call.cancelled',
  busy: 'call.busy',
  failed: 'call.failed',
};

/** A call record as one line: 📹 or 📞, what happened, and how long a completed call lasted (m:ss). */
export function callRecordText(content: CallRecordContent, t: Translate): string {
  const s = Math.round((content.durationMs ?? 0) / 1000);
  const duration = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${content.media.video ? '📹' : '📞'} ${t(KEYS[content.outcome], { duration })}`;
}
