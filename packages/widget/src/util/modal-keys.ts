/** What Tab can reach inside a modal box. */
const FOCUSABLE = 'button:not([disabled]),[href],input:not([disabled]),textarea:not([disabled]),select:not([disabled]),[tabindex]:not([tabindex="-1"])';

/** The elements Tab can reach inside `box`, in order. */
export function focusableIn(box: HTMLElement | null): HTMLElement[] {
  return [...(box?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
}

/**
 * The keys of a modal box (dialogs, the image lightbox): Escape closes it, and only it (the
 * launcher panel behind stays open); Tab and Shift+Tab cycle through its focusable elements, so
 * focus never leaves it while it is open.
 */
export function modalKeys(e: KeyboardEvent, box: HTMLElement | null, onClose: () => void): void {
  if (e.key === 'Escape') {
    e.stopPropagation();
    onClose();
  } else if (e.key === 'Tab') {
    const items = focusableIn(box);
    const root = box?.getRootNode() as Document | ShadowRoot | undefined;
    const at = items.indexOf(root?.activeElement as HTMLElement);
    e.preventDefault();
    items[(at + (e.shiftKey ? -1 : 1) + items.length) % items.length]?.focus();
  }
}
