/** How many notifications are remembered: far more than arrive between two repeats of one. */
export const SEEN_NOTIFICATIONS_LIMIT = 1_000;

/**
 * The notifications this client already handled, to drop a repeat: the server sends each at
 * least once, so a retried or resumed notifier may send one again. One ledger event can make
 * several notifications (`participant-joined` for the room, `room-participants` for the one who
 * joined), so a notification is known by its event name and its ledger event id together. Only
 * the most recent ones are remembered: a repeat comes soon after the first, or not at all.
 */
export class SeenNotifications {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = SEEN_NOTIFICATIONS_LIMIT) {}

  /**
   * True the first time a notification arrives (and remembers it), false for a repeat. A payload
   * without an event id (a relayed signal, a server request) is never a repeat.
   */
  firstTime(event: string, payload: unknown): boolean {
    const eventId = eventIdOf(payload);
    if (eventId === null) return true;
    const key = `${event} ${eventId}`;
    if (this.seen.has(key)) {
      // Seen again: the most recent once more, so it is the last to be forgotten.
      this.seen.delete(key);
      this.seen.add(key);
      return false;
    }
    this.seen.add(key);
    if (this.seen.size > this.limit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

function eventIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const eventId: unknown = (payload as { eventId?: unknown }).eventId;
  return typeof eventId === 'string' ? eventId : null;
}
