import type { ReactionCount } from '@quickchat/sdk/messages';
import { useEnv } from '../state/context.js';

/**
 * A message's reactions as chips: each emoji with its count, yours pressed (highlighted); a click
 * toggles yours. Emoji are text, whatever they contain.
 */
export function Reactions({ reactions, onToggle }: { reactions: readonly ReactionCount[]; onToggle: (emoji: string) => void }) {
  const { t } = useEnv();
  return (
    <div class="qc-reacts" role="group" aria-label={t('rich.reactions')}>
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          class="qc-btn qc-secondary qc-small"
          aria-pressed={r.mine}
          onClick={() => onToggle(r.emoji)}
        >
          {r.emoji} {r.count}
        </button>
      ))}
    </div>
  );
}
