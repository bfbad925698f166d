/** Unsent composer text, kept per conversation while the widget is mounted. */
export class Drafts {
  private readonly texts = new Map<string, string>();

  /** The draft of a conversation ('' when none). */
  get(conversationId: string): string {
    return this.texts.get(conversationId) ?? '';
  }

  /** Keeps (or, when blank, forgets) a conversation's draft. */
  set(conversationId: string, text: string): void {
    if (text.trim()) this.texts.set(conversationId, text);
    else this.texts.delete(conversationId);
  }
}
