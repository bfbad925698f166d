import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** One choice in a {@link MenuButton}'s menu. */
export interface MenuItem {
  label: string;
  onSelect(): void;
  /** Shown as destructive (red text). */
  danger?: boolean;
}

/**
 * A button that opens a small menu of actions (the WAI-ARIA menu button pattern). Enter, Space or
 * Down opens it on the first item, Up on the last; inside, Up and Down move (wrapping), Home and
 * End jump, Escape closes it and puts focus back on the button, Tab closes it and moves on.
 * Choosing an item closes the menu and returns focus to the button first, so a dialog the item
 * opens gives focus back there too. Focus or a click leaving the menu closes it.
 */
export function MenuButton({ label, items, class: className = '', children }: { label: string; items: MenuItem[]; class?: string; children: ComponentChildren }) {
  const [open, setOpen] = useState<'first' | 'last' | null>(null);
  const wrap = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();
  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];

  useLayoutEffect(() => {
    if (!open) return;
    const list = entries();
    (open === 'first' ? list[0] : list.at(-1))?.focus();
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(null);
    if (refocus) button.current?.focus();
  };
  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const list = entries();
    const root = menu.current?.getRootNode() as Document | ShadowRoot | undefined;
    const at = list.indexOf(root?.activeElement as HTMLElement);
    const to = (i: number) => {
      e.preventDefault();
      list[(i + list.length) % list.length]?.focus();
    };
    if (e.key === 'ArrowDown') to(at + 1);
    else if (e.key === 'ArrowUp') to(at - 1);
    else if (e.key === 'Home') to(0);
    else if (e.key === 'End') to(list.length - 1);
    else if (e.key === 'Escape') {
      // Only the menu closes, not the panel or a dialog around it.
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') close(false);
  };
  const onFocusOut = (e: FocusEvent) => {
    if (open && !wrap.current?.contains(e.relatedTarget as Node | null)) setOpen(null);
  };

  return (
    <span ref={wrap} class="qc-menu-wrap" onFocusOut={onFocusOut}>
      <button
        ref={button}
        type="button"
        class={className}
        id={`${id}-button`}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => (open ? close(true) : setOpen('first'))}
        onKeyDown={onButtonKey}
      >
        {children}
      </button>
      {open && (
        // Pressing on an item must not move focus first (Safari does not focus buttons on click):
        // the focusout would close the menu before the click lands.
        <div ref={menu} id={`${id}-menu`} role="menu" aria-labelledby={`${id}-button`} class="qc-menu" onKeyDown={onMenuKey} onMouseDown={(e) => e.preventDefault()}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              class={item.danger ? 'qc-danger-text' : undefined}
              onClick={() => {
                close(true);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
