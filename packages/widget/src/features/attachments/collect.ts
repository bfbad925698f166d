/**
 * The files an event carries: an `<input type=file>`'s change, a paste (clipboard images and
 * copied files) or a drop (`DataTransfer`). Everything else they may hold (text, links, HTML, a
 * dropped folder) is left out, so a paste of text stays a paste of text. Pure: the caller
 * decides what to do with them (and empties the input, so the same file can be picked again).
 */
export function filesFromEvent(event: Event): File[] {
  if ('clipboardData' in event) return filesOf((event as ClipboardEvent).clipboardData);
  if ('dataTransfer' in event) return filesOf((event as DragEvent).dataTransfer);
  const input = event.target as HTMLInputElement | null;
  return input?.type === 'file' ? [...(input.files ?? [])] : [];
}

/** The files of a clipboard or drag payload, without its strings and folders. */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const items = data.items ? [...data.items] : [];
  if (items.length === 0) return [...(data.files ?? [])];
  const files: File[] = [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    if (item.webkitGetAsEntry?.()?.isDirectory) continue;
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  return files;
}
