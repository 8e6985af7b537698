// `herald event-types import <preset|file.json>`: loads event types into the catalogue on the
// database directly. A preset name (jiwa) adds that preset's event types that are missing. A file
// holds what POST /v1/event-types/import takes, `{"eventTypes": [...]}`, or the plain array; it is
// checked by the same rules (each entry, then its schema and example), applied all or nothing in one
// transaction, idempotently (existing ones are updated when they differ), and audited as actor `cli`.
// Unlike the API's, a file has no limit on its number of entries.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Value } from 'typebox/value';
import { checkImport } from '../api/checks.js';
import { EventTypeImportEntry, type EventTypeImportEntryBody } from '../api/schemas.js';
import { auditEntry, CLI_ACTOR } from '../domain/audit.js';
import { HeraldError } from '../domain/errors.js';
import { CATALOGUES, importCatalogue, isCatalogue } from '../presets/index.js';
import type { Store } from '../store/store.js';

export const EVENT_TYPES_USAGE = `usage: herald event-types import <${Object.keys(CATALOGUES).join('|')}|file.json>`;

/** A file's entries, each checked against the import's entry schema; throws HeraldError naming the first bad one. */
export function entriesOf(json: unknown): EventTypeImportEntryBody[] {
  let list: unknown[];
  if (Array.isArray(json)) list = json;
  else if (
    json !== null &&
    typeof json === 'object' &&
    Object.keys(json).length === 1 &&
    Array.isArray((json as { eventTypes?: unknown }).eventTypes)
  ) {
    list = (json as { eventTypes: unknown[] }).eventTypes;
  } else {
    throw new HeraldError('validation_failed', 'The file must hold {"eventTypes": [...]} or a plain array of event types');
  }
  list.forEach((entry, index) => {
    if (!Value.Check(EventTypeImportEntry, entry)) {
      const first = Value.Errors(EventTypeImportEntry, entry)[0] as { instancePath?: string; message?: string } | undefined;
      const where = first?.instancePath ? ` at ${first.instancePath}` : '';
      throw new HeraldError('validation_failed', `eventTypes[${index}]${where}: ${first?.message ?? 'not an event type'}`, { index });
    }
  });
  return list as EventTypeImportEntryBody[];
}

/** Imports a file's event types; returns the counts. Throws HeraldError for a bad file or entry (nothing written). */
export async function importEventTypesFile(
  store: Store,
  path: string,
  now: number = Date.now(),
): Promise<{ created: number; updated: number; unchanged: number }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new HeraldError('invalid_json', `${path}: ${(err as Error).message}`);
  }
  const drafts = await checkImport(store, entriesOf(json));
  const result = await store.syncEventTypes(drafts, now);
  const counts = { created: result.created.length, updated: result.updated.length, unchanged: result.unchanged };
  const changes = { ...counts, file: path, createdNames: result.created.slice(0, 100), updatedNames: result.updated.slice(0, 100) };
  await store.appendAudit(auditEntry({ actor: CLI_ACTOR, action: 'event-type.import', resourceId: null, changes }, now));
  return counts;
}

/** The command: a preset name or a file. Returns the exit code: 0 done, 1 a bad file (nothing imported), 2 neither a preset nor a file. */
export async function eventTypesCommand(store: Store, positionals: string[]): Promise<number> {
  const target = positionals[1] ?? '';
  if (isCatalogue(target)) {
    const added = await importCatalogue(store, target);
    const total = CATALOGUES[target]?.length ?? 0;
    console.log(`imported ${added} of the ${total} ${target} event types (${total - added} were in the catalogue already)`);
    return 0;
  }
  if (!existsSync(target)) {
    console.error(
      `herald: "${target}" is neither a preset (${Object.keys(CATALOGUES).join(', ')}) nor a file; see herald event-types --help`,
    );
    return 2;
  }
  try {
    const { created, updated, unchanged } = await importEventTypesFile(store, target);
    console.log(`event types: ${created} created, ${updated} updated, ${unchanged} unchanged`);
    return 0;
  } catch (err) {
    if (!(err instanceof HeraldError)) throw err;
    console.error(`nothing imported: ${err.message} (${err.code})`);
    return 1;
  }
}
