// /v1/event-types: the catalogue of event names producers may send and subscriptions may ask for.
// An event type may carry a JSON Schema its events' data must match at ingest and an example of
// that data; both are checked when saved (src/domain/event-schemas.ts). POST /v1/event-types/import
// loads many at once, idempotently and all or nothing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HeraldError } from '../../domain/errors.js';
import type { EventType } from '../../domain/glossary.js';
import { describeChange } from '../audit.js';
import { checkCatalogueEntry, checkEventTypeName, checkImport, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { renderEventType } from '../render.js';
import {
  EventTypeCreate,
  EventTypeImport,
  EventTypeImportResponse,
  EventTypePatch,
  EventTypeSchema,
  errorResponses,
  NameParams,
  NoContent,
  Page,
  PageQuery,
} from '../schemas.js';

const tags = ['event types'];
const AUDITED_NAMES = 100; // names of created and of updated event types an import's audit entry keeps

export const eventTypeRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/event-types',
    {
      config: { action: 'event-types.write', audit: 'event-type.create' },
      schema: { tags, summary: 'Add an event type', body: EventTypeCreate, response: { 201: EventTypeSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const { name, description, schema, example } = request.body;
      checkCatalogueEntry(schema ?? null, example ?? null, true);
      const now = Date.now();
      const created = await store.createEventType({
        name: checkEventTypeName(name),
        description: description ?? '',
        schema: schema ?? null,
        example: example ?? null,
        createdAt: now,
        updatedAt: now,
      });
      return reply.code(201).send(renderEventType(created));
    },
  );

  app.post(
    '/event-types/import',
    {
      config: { action: 'event-types.write', audit: 'event-type.import' },
      schema: {
        tags,
        summary: 'Add or update many event types at once (up to 1000): all or nothing, idempotent',
        description:
          'Each entry creates its event type, or updates the stored one when its description, schema or example differ ' +
          '(a field left out keeps its stored value); an entry equal to the stored one changes nothing. ' +
          'Any bad entry answers 422 naming its index, and nothing is written.',
        body: EventTypeImport,
        response: { 200: EventTypeImportResponse, ...errorResponses },
      },
    },
    async (request) => {
      const drafts = await checkImport(store, request.body.eventTypes);
      const result = await store.syncEventTypes(drafts, Date.now());
      const counts = { created: result.created.length, updated: result.updated.length, unchanged: result.unchanged };
      describeChange(request, {
        resourceId: null,
        changes: {
          ...counts,
          createdNames: result.created.slice(0, AUDITED_NAMES),
          updatedNames: result.updated.slice(0, AUDITED_NAMES),
        },
      });
      return counts;
    },
  );

  app.get(
    '/event-types',
    {
      config: { action: 'event-types.read' },
      schema: {
        tags,
        summary: 'List event types by name',
        querystring: PageQuery,
        response: { 200: Page(EventTypeSchema), ...errorResponses },
      },
    },
    async (request) => {
      const result = await store.listEventTypes(page(request.query, 'eventType'));
      return { data: result.data.map(renderEventType), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/event-types/:name',
    {
      config: { action: 'event-types.read' },
      schema: { tags, summary: 'Get an event type', params: NameParams, response: { 200: EventTypeSchema, ...errorResponses } },
    },
    async (request) => renderEventType(orNotFound(await store.getEventType(request.params.name))),
  );

  app.patch(
    '/event-types/:name',
    {
      config: { action: 'event-types.write', audit: 'event-type.update' },
      schema: {
        tags,
        summary: 'Change the description, schema or example of an event type',
        params: NameParams,
        body: EventTypePatch,
        response: { 200: EventTypeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { description, schema, example } = request.body;
      const patch: Partial<Pick<EventType, 'description' | 'schema' | 'example'>> = {};
      if (description !== undefined) patch.description = description;
      if (schema !== undefined) patch.schema = schema;
      if (example !== undefined) patch.example = example;
      if (schema !== undefined || example !== undefined) {
        const current = orNotFound(await store.getEventType(request.params.name));
        checkCatalogueEntry(
          schema !== undefined ? schema : current.schema,
          example !== undefined ? example : current.example,
          schema !== undefined,
        );
      }
      return renderEventType(orNotFound(await store.updateEventType(request.params.name, patch, Date.now())));
    },
  );

  app.delete(
    '/event-types/:name',
    {
      config: { action: 'event-types.write', audit: 'event-type.delete' },
      schema: {
        tags,
        summary: 'Remove an event type from the catalogue',
        params: NameParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!(await store.deleteEventType(request.params.name))) throw new HeraldError('not_found');
      return reply.code(204).send(null);
    },
  );
};
