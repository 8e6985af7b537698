// Event catalogue presets by name, for `herald event-types import <name>` and HERALD_EVENT_CATALOGUE.
import type { EventType } from '../domain/glossary.js';
import type { Store } from '../store/store.js';
import { JIWA_EVENTS, type PresetEventType } from './jiwa-events.js';

export const CATALOGUES: Record<string, readonly PresetEventType[]> = {
  jiwa: JIWA_EVENTS,
};

export function isCatalogue(name: string): boolean {
  return Object.hasOwn(CATALOGUES, name);
}

/** Adds the preset's event types that are not in the catalogue yet; returns how many were added. */
export async function importCatalogue(store: Store, name: string, now: number = Date.now()): Promise<number> {
  const preset = CATALOGUES[name];
  if (!preset) throw new Error(`unknown event catalogue "${name}" (known: ${Object.keys(CATALOGUES).join(', ')})`);
  const eventTypes: EventType[] = preset.map((e) => ({
    name: e.name,
    description: e.description,
    schema: null,
    example: null,
    createdAt: now,
    updatedAt: now,
  }));
  return store.importEventTypes(eventTypes);
}
