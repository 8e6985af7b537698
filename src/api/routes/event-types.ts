// /v1/event-types: the catalogue of event names producers may send and subscriptions may ask for.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HeraldError } from '../../domain/errors.js';
import { checkEventTypeName, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { renderEventType } from '../render.js';
import { EventTypeCreate, EventTypePatch, EventTypeSchema, errorResponses, NameParams, NoContent, Page, PageQuery } from '../schemas.js';

const tags = ['event types'];

export const eventTypeRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/event-types',
    {
      config: { action: 'event-types.write', audit: 'event-type.create' },
      schema: { tags, summary: 'Add an event type', body: EventTypeCreate, response: { 201: EventTypeSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const { name, description, schema } = request.body;
      const now = Date.now();
      const created = await store.createEventType({
        name: checkEventTypeName(name),
        description: description ?? '',
        schema: schema ?? null,
        createdAt: now,
        updatedAt: now,
      });
      return reply.code(201).send(renderEventType(created));
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
        summary: 'Change the description or schema of an event type',
        params: NameParams,
        body: EventTypePatch,
        response: { 200: EventTypeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { description, schema } = request.body;
      const patch: { description?: string; schema?: unknown } = {};
      if (description !== undefined) patch.description = description;
      if (schema !== undefined) patch.schema = schema;
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
