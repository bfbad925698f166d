import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useEnv } from '../state/context.js';
import { focusableIn, modalKeys } from '../util/modal-keys.js';

/** What a confirmation asks. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** Style the confirm button as destructive. */
  danger?: boolean;
}

/** A modal dialog with any content (pickers, forms, and later group and call screens). */
export interface DialogRequest<T> {
  /** The dialog's accessible name. */
  label: string;
  /** The body. Call `done(value)` to close with a result; Escape closes with `undefined`. */
  render(done: (value: T | undefined) => void): ComponentChildren;
  /** Where focus goes after closing; default: back where it was when the dialog opened. */
  returnFocus?: () => HTMLElement | null | undefined;
  /** Extra class on the dialog box, for its size. */
  className?: string;
}

/** Opens dialogs over the current screen, one at a time. */
export interface Dialogs {
  /** Shows `request` modally; resolves with the value passed to `done`, or undefined when dismissed. */
  open<T>(request: DialogRequest<T>): Promise<T | undefined>;
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

type Open = { request: DialogRequest<unknown>; resolve: (value: unknown) => void };

/** What can take focus inside a dialog, for the focus trap. */

/** Provides {@link useDialogs} to `children` and shows one modal dialog at a time above them. */
export function DialogHost({ children }: { children: ComponentChildren }) {
  const { t } = useEnv();
  const [open, setOpen] = useState<Open | null>(null);
  const shell = useRef<HTMLDivElement>(null);
  const opener = useRef<(() => HTMLElement | null | undefined) | null>(null);
  const api = useRef<Dialogs | null>(null);
  api.current ??= {
    open: <T,>(request: DialogRequest<T>) =>
      new Promise<T | undefined>((resolve) => {
        const root = shell.current?.getRootNode() as Document | ShadowRoot | undefined;
        const was = root?.activeElement as HTMLElement | null | undefined;
        opener.current = request.returnFocus ?? (() => was);
        setOpen({ request: request as DialogRequest<unknown>, resolve: resolve as (value: unknown) => void });
      }),
    confirm: async (request) =>
      (await api.current!.open<boolean>({
        label: request.title,
        render: (done) => <ConfirmBody request={request} done={done} cancelLabel={t('dialog.cancel')} />,
      })) === true,
  };
  // Once the dialog is gone and the screen is no longer inert, focus returns to where it was.
  useLayoutEffect(() => {
    if (open || !opener.current) return;
    opener.current()?.focus();
    opener.current = null;
  }, [open]);
  const close = (value: unknown) => {
    setOpen(null);
    open?.resolve(value);
  };
  return (
    <DialogContext.Provider value={api.current}>
      {/* Everything behind an open dialog is inert: not focusable, not clickable, hidden from screen readers. */}
      <div ref={shell} class="qc-shell" inert={open ? true : undefined}>
        {children}
      </div>
      {open && <Dialog request={open.request} onClose={close} />}
    </DialogContext.Provider>
  );
}

/**
 * The modal frame: focus moves to the element marked `data-autofocus` (else the first one),
 * Tab and Shift+Tab stay inside, Escape dismisses.
 */
function Dialog({ request, onClose }: { request: DialogRequest<unknown>; onClose: (value: unknown) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => (box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(box.current)[0])?.focus(), []);
  const onKeyDown = (e: KeyboardEvent) => modalKeys(e, box.current, () => onClose(undefined));
  return (
    <div class="qc-backdrop">
      <div ref={box} class={`qc-dialog ${request.className ?? ''}`} role="dialog" aria-modal="true" aria-label={request.label} onKeyDown={onKeyDown}>
        {request.render(onClose)}
      </div>
    </div>
  );
}

/** A confirmation's body; the safe choice (cancel) takes focus. */
function ConfirmBody({ request, done, cancelLabel }: { request: ConfirmRequest; done: (ok: boolean) => void; cancelLabel: string }) {
  return (
    <>
      <h2>{request.title}</h2>
      <p>{request.message}</p>
      <div class="qc-actions">
        <button type="button" class="qc-btn qc-secondary" data-autofocus onClick={() => done(false)}>
          {cancelLabel}
        </button>
        <button type="button" class={`qc-btn${request.danger ? ' qc-danger' : ''}`} onClick={() => done(true)}>
          {request.confirmLabel}
        </button>
      </div>
    </>
  );
}
