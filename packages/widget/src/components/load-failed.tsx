import { useEnv } from '../state/context.js';

/**
 * Says in words that a lazily loaded part of the widget could not be loaded (offline, a missing
 * file, a file the page's CSP refused), with a Try again button, so a failed load is never a
 * silent blank. `autofocus`: the button takes focus when shown in a dialog.
 */
export function LoadFailed({ onRetry, autofocus = false }: { onRetry: () => void; autofocus?: boolean }) {
  const { t } = useEnv();
  return (
    <p class="qc-note" role="alert">
      {t('state.loadFailed')}{' '}
      <button type="button" class="qc-link" data-autofocus={autofocus || undefined} onClick={onRetry}>
        {t('banner.retry')}
      </button>
    </p>
  );
}
