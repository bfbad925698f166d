import { useState } from 'preact/hooks';
import { useEnv } from '../state/context.js';
import { lazyChunk } from '../util/lazy.js';
import { useDialogs } from './dialog.js';
import { LoadFailed } from './load-failed.js';

/** The picker's chunk: fetched the first time someone opens it. */
const loadPicker = lazyChunk(() => import('../features/emoji/emoji-picker.js'));

/**
 * Opens the emoji picker (a lazily loaded chunk) in a dialog and hands the chosen emoji to
 * `onPick`; focus then goes to `returnFocus` (the composer's text box). While the chunk loads
 * the button says so; if it can't be loaded, the dialog says so in words with Try again (and the
 * button's label says why until the next attempt).
 */
export function EmojiButton({ onPick, returnFocus }: { onPick: (emoji: string) => void; returnFocus: () => HTMLElement | null }) {
  const { t } = useEnv();
  const dialogs = useDialogs();
  const [state, setState] = useState<'idle' | 'loading' | 'failed'>('idle');

  const open = async () => {
    if (state === 'loading') return;
    setState('loading');
    let Picker: Awaited<ReturnType<typeof loadPicker>>['default'];
    try {
      Picker = (await loadPicker()).default;
    } catch {
      setState('failed');
      const retry = await dialogs.open<boolean>({ label: t('emoji.title'), returnFocus, render: (done) => <LoadFailed autofocus onRetry={() => done(true)} /> });
      if (retry) void open();
      return;
    }
    setState('idle');
    const emoji = await dialogs.open<string>({ label: t('emoji.title'), className: 'qc-dialog-wide', returnFocus, render: (done) => <Picker onPick={done} /> });
    if (emoji) onPick(emoji);
  };

  return (
    <button type="button" class="qc-icon" aria-label={t(state === 'failed' ? 'emoji.failed' : 'emoji.open')} aria-haspopup="dialog" aria-busy={state === 'loading'} onClick={open}>
      <span aria-hidden="true">☺</span>
    </button>
  );
}
