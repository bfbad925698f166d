import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useEnv } from '../state/context.js';

/** What a confirmation asks. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** Style the confirm button as destructive. */
  danger?: boolean;
}

/** Opens dialogs over the current screen. */
export interface Dialogs {
  /** Asks a yes/no question; resolves true when confirmed. */
  confirm(request: ConfirmRequest): Promise<boolean>;
}

const DialogContext = createContext<Dialogs | null>(null);

/** The dialog API; throws outside a {@link DialogHost}. */
export function useDialogs(): Dialogs {
  const dialogs = useContext(DialogContext);
  if (!dialogs) throw new Error('quickchat widget: DialogHost missing');
  return dialogs;
}

type Open = ConfirmRequest & { resolve: (ok: boolean) => void };

/** Provides {@link useDialogs} to `children` and shows one modal dialog at a time above them. */
export function DialogHost({ children }: { children: ComponentChildren }) {
  const [open, setOpen] = useState<Open | null>(null);
  const shell = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const api = useRef<Dialogs>({
    confirm: (request) =>
      new Promise<boolean>((resolve) => {
        const root = shell.current?.getRootNode() as Document | ShadowRoot | undefined;
        opener.current = (root?.activeElement as HTMLElement | null | undefined) ?? null;
        setOpen({ ...request, resolve });
      }),
  });
  // Once the dialog is gone and the screen is no longer inert, focus returns to where it was.
  useLayoutEffect(() => {
    if (open || !opener.current) return;
    opener.current.focus();
    opener.current = null;
  }, [open]);
  const close = (ok: boolean) => {
    open?.resolve(ok);
    setOpen(null);
  };
  return (
    <DialogContext.Provider value={api.current}>
      {/* Everything behind an open dialog is inert: not focusable, not clickable, hidden from screen readers. */}
      <div ref={shell} class="qc-shell" inert={open ? true : undefined}>
        {children}
      </div>
      {open && <ConfirmDialog request={open} onClose={close} />}
    </DialogContext.Provider>
  );
}

/**
 * A modal confirmation: focus moves to the safe choice, Tab stays inside, Escape cancels, and
 * focus returns to where it was when the dialog closes.
 */
function ConfirmDialog({ request, onClose }: { request: ConfirmRequest; onClose: (ok: boolean) => void }) {
  const { t } = useEnv();
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => cancel.current?.focus(), []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose(false);
    } else if (e.key === 'Tab') {
      const buttons = [...(box.current?.querySelectorAll('button') ?? [])];
      const root = box.current?.getRootNode() as Document | ShadowRoot | undefined;
      const at = buttons.indexOf(root?.activeElement as HTMLButtonElement);
      const next = (at + (e.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
      e.preventDefault();
      buttons[next]?.focus();
    }
  };
  return (
    <div class="qc-backdrop">
      <div ref={box} class="qc-dialog" role="dialog" aria-modal="true" aria-labelledby="qc-dialog-title" aria-describedby="qc-dialog-message" onKeyDown={onKeyDown}>
        <h2 id="qc-dialog-title">{request.title}</h2>
        <p id="qc-dialog-message">{request.message}</p>
        <div class="qc-actions">
          <button ref={cancel} type="button" class="qc-btn qc-secondary" onClick={() => onClose(false)}>
            {t('dialog.cancel')}
          </button>
          <button type="button" class={`qc-btn${request.danger ? ' qc-danger' : ''}`} onClick={() => onClose(true)}>
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
