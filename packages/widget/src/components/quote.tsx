import type { Quote } from '@quickchat/sdk/messages';
import { useEnv } from '../state/context.js';
import { useDisplayName } from '../state/use-profile.js';

/**
 * The quoted message above a reply: its author and the start of its text (or that it was
 * deleted, or how many files it had). A button: it shows the original.
 */
export function QuoteLine({ quote, onJump }: { quote: Quote; onJump: () => void }) {
  const { t } = useEnv();
  const name = useDisplayName(quote.senderId);
  return (
    <button type="button" class="qc-quote" onClick={onJump}>
      <span class="qc-sr">{t('rich.inReplyTo')} </span>
      <b dir="auto">{name}</b>
      <span dir="auto">
        {quote.deleted ? <i>{t('thread.deleted')}</i> : quote.text || `📎 ${quote.attachments}`}
      </span>
    </button>
  );
}
