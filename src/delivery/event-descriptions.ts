// The catalogue's event type descriptions as delivery sees them: a template's `event.description`
// (the Slack, Teams and Discord presets show it). Delivery jobs do not carry it (a claim reads no
// catalogue), so a delivering process reads a type's description when a template attempt first
// needs it and keeps it for `freshMs`: a description changed since shows within that time.
import type { Store } from '../store/store.js';

const MAX_TYPES = 10_000; // cached types; past it the cache starts over

export class EventDescriptions {
  private readonly known = new Map<string, { description: string; at: number }>();

  constructor(
    private readonly store: Pick<Store, 'getEventType'>,
    private readonly freshMs = 30_000,
  ) {}

  /** Makes `describe(type)` current (one catalogue read when not read within freshMs). */
  async ready(type: string, now = Date.now()): Promise<void> {
    const entry = this.known.get(type);
    if (entry !== undefined && now - entry.at < this.freshMs) return;
    let description = entry?.description ?? '';
    try {
      description = (await this.store.getEventType(type))?.description ?? '';
    } catch {
      // the store is unreachable: the attempt goes on with what was known; descriptions only decorate
    }
    if (this.known.size >= MAX_TYPES) this.known.clear();
    this.known.set(type, { description, at: now });
  }

  /** The description of `type` as last read; '' when it has none or is not in the catalogue. */
  readonly describe = (type: string): string => this.known.get(type)?.description ?? '';
}
