/** A typer is relayed again while still typing at most this often. */
const REPEAT_MS = 3000;
/** Typers remembered; past it the oldest are forgotten (they are then relayed once more). */
const MAX_TYPERS = 100_000;

/**
 * Coalesces typing indicators in groups, where each relay reaches every online member: "started"
 * is relayed once and then at most every {@link REPEAT_MS} while it repeats (clients expire an
 * indicator after a few seconds without one), and "stopped" only after a relayed "started".
 */
export class TypingCoalescer {
  /** When each (conversation, user) was last relayed as typing, oldest first. */
  private readonly typing = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Whether this indicator should be relayed; records it if so. */
  shouldRelay(conversationId: string, userId: string, active: boolean): boolean {
    const key = `${conversationId}\n${userId}`;
    const last = this.typing.get(key);
    if (!active) return this.typing.delete(key);
    const now = this.now();
    if (last !== undefined && now - last < REPEAT_MS) return false;
    this.typing.delete(key);
    this.typing.set(key, now);
    if (this.typing.size > MAX_TYPERS) this.typing.delete(this.typing.keys().next().value!);
    return true;
  }
}
