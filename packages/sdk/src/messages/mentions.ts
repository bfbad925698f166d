/**
 * The members a text mentions: every `@handle` in it (letters, digits, `_` and `.`, as handles
 * are) that names one of `members`, in order of first appearance, each once. Handles compare
 * case-insensitively. Pass the result as `mentions` when sending, so the mentioned members get
 * the flag and the count.
 */
export function findMentions(text: string, members: readonly { id: string; handle: string | null }[]): string[] {
  const byHandle = new Map(members.filter((m) => m.handle).map((m) => [m.handle!.toLowerCase(), m.id]));
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|[^\p{L}\p{N}_.@])@([A-Za-z0-9_.]{3,32})/gu)) {
    const id = byHandle.get(match[1]!.toLowerCase().replace(/\.+$/, '')) ?? byHandle.get(match[1]!.toLowerCase());
    if (id && !found.includes(id)) found.push(id);
  }
  return found;
}
