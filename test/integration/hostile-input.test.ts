// The hostile-input suite (issue 14): every operation of the OpenAPI document (docs/openapi.json and
// the live one, which include the Jiwa routes) is sent a valid request, then the same request with
// ONE location made hostile: each path parameter, each query parameter (malformed cursors too), each
// header parameter, each body field at every depth of the valid body plus hostile property names,
// the whole body, the Content-Type, a form body on the Jiwa routes, and the methods a path does not
// have (hostile-values.ts lists the values). Each request goes to two apps built alike, one over
// SQLite and one over PostgreSQL, and must get:
//
//   - no 5xx, on either store;
//   - the same status (and, for an error, the same code) on both;
//   - when refused (4xx), no change at all: triggers installed by this file log every row written
//     to every table of each database, and a refused request must log none;
//   - the same net row counts per table on both stores, and, for a 2xx, the same body once ids,
//     times and secrets are masked;
//   - an error body in Herald's shape ({code, message}, a registered code with its own status);
//   - the answer README's "Limits on input" documents, where a value has one (NUL: 400
//     invalid_string, 1e999: 400 invalid_number, 415 for another charset, 405 with Allow, ...).
//
// Every finding is collected and the test fails once at the end with all of them, grouped. A 2xx
// that deletes or patches a fixture re-creates the fixtures on both stores (ids are random, so each
// store has its own; requests are built from each store's ids by the same function). At the end,
// the stored hostile data is read back through every list in every Jiwa format.
// HERALD_HOSTILE_REPORT=<file> also writes the findings there.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { buildApp } from '../../src/api/app.js';
import { type HeraldConfig, resolveConfig } from '../../src/config/config.js';
import { ERRORS } from '../../src/domain/errors.js';
import { type IdPrefix, newId } from '../../src/domain/ids.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_ALLOWED_NETWORKS } from '../helpers/herald.js';
import { createTestDatabase, createTestSchema, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import {
  BODY_VALUES,
  CURSOR_VALUES,
  type Expect,
  HEADER_VALUES,
  HOSTILE_KEYS,
  INVALID_CURSOR,
  INVALID_STRING,
  jsonText,
  METHOD_NOT_ALLOWED,
  UNSUPPORTED,
  URL_VALUES,
  type UrlValue,
} from './hostile-values.js';

const ADMIN_KEY = 'test-admin-key-hostile-0123456789';
const JIWA_PASSWORD = 'hostile-jiwa-password';
const FIXTURE_TYPE = 'hostile.fixture'; // the event type the fixture subscription takes
const UNUSED_TYPE = 'hostile.unused'; // what subscriptions made by the walk take: no fan-out grows
const TARGET_URL = 'http://127.0.0.1:9/hook'; // an address, so no DNS; 127.0.0.0/8 is allowed in tests
const ROTATE_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const TEST_SECRET_KEY = 'aG9zdGlsZSBpbnB1dCBzdWl0ZSB0ZXN0IGtleSEhISE='; // base64 of 32 bytes, tests only
const BODY_SAMPLE = 200; // characters of a body quoted in a finding
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const enc = encodeURIComponent;
/** Text every output format must escape: markup, a CSV formula and separators, line separators, controls. */
const HOSTILE_TEXT = '<b>&amp;"\']]></b> =HYPERLINK("x"),;\r\n"\u2028\u0001\u001f\u007f ok \u{1F600} ../../etc/passwd \' OR 1=1 --';
const HOSTILE_HEADER = '<script>&"\' =cmd|,; \u00e9'; // a header value may hold visible ASCII and Latin-1

// ---- the OpenAPI document ----

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  enum?: unknown[];
}
interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface Operation {
  method: string;
  path: string;
  key: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  bodySchema: JsonSchema | null;
  jiwa: boolean;
}

function operationsOf(doc: OpenApiDocument): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase();
      if (!METHODS.includes(method) || typeof op !== 'object' || op === null) continue;
      const params = op.parameters ?? [];
      const names = (where: string) => params.filter((p) => p.in === where).map((p) => p.name);
      out.set(`${method} ${path}`, {
        method,
        path,
        key: `${method} ${path}`,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1] as string),
        queryParams: names('query'),
        headerParams: names('header'),
        bodySchema: op.requestBody?.content?.['application/json']?.schema ?? null,
        jiwa: path.startsWith('/Webhooks') || path.startsWith('/auth'),
      });
    }
  }
  return out;
}

/** The property names a body schema declares (of every object branch of an anyOf). */
function schemaProperties(schema: JsonSchema | null): string[] {
  if (!schema) return [];
  const own = Object.keys(schema.properties ?? {});
  return [...new Set([...own, ...(schema.anyOf ?? []).flatMap((s) => schemaProperties(s))])];
}

/** A minimal valid value of a schema, for operations without a hand-written baseline. */
function synthesize(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.anyOf?.[0]) return synthesize(schema.anyOf[0]);
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((k) => [k, synthesize(schema.properties?.[k])]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'x';
  }
}

// ---- fixtures and valid requests ----

/** One store's fixtures: each store has its own ids for the same things. */
interface Ids {
  eventType: string;
  sbr: string;
  sub: string;
  evt: string;
  msg: string;
  att: string;
  key: string;
}
type Kind = keyof Ids;
const KIND_PREFIX: Record<Exclude<Kind, 'eventType'>, IdPrefix> = {
  sbr: 'sbr',
  sub: 'sub',
  evt: 'evt',
  msg: 'msg',
  att: 'att',
  key: 'key',
};
/** Well-formed ids that exist on neither store (the same text for both). */
const ABSENT: Record<Kind, string> = {
  eventType: 'hostile.absent',
  sbr: newId('sbr'),
  sub: newId('sub'),
  evt: newId('evt'),
  msg: newId('msg'),
  att: newId('att'),
  key: newId('key'),
};

/** The fixture a path parameter names. */
function pathKind(path: string, name: string): Kind | 'provider' | null {
  const byName: Record<string, Kind | 'provider'> = {
    SubscriberID: 'sbr',
    SubscriptionID: 'sub',
    MessageID: 'msg',
    name: 'eventType',
    provider: 'provider',
  };
  if (byName[name]) return byName[name];
  const before = path.split(`{${name}}`)[0]?.split('/').filter(Boolean).pop();
  const bySegment: Record<string, Kind> = {
    subscribers: 'sbr',
    subscriptions: 'sub',
    events: 'evt',
    messages: 'msg',
    attempts: 'att',
    'api-keys': 'key',
  };
  return (before && bySegment[before]) || null;
}

/** What a list's cursor is: the last id of a kind, or for event types the last name. */
function cursorKind(path: string): IdPrefix | 'eventType' | null {
  const last =
    path
      .split('/')
      .filter((s) => s && !s.startsWith('{'))
      .pop() ?? '';
  const byList: Record<string, IdPrefix | 'eventType'> = {
    'event-types': 'eventType',
    subscribers: 'sbr',
    subscriptions: 'sub',
    events: 'evt',
    messages: 'msg',
    attempts: 'att',
    'api-keys': 'key',
    'audit-log': 'aud',
  };
  return byList[last] ?? null;
}

interface Baseline {
  query?: (ids: Ids) => Record<string, string>;
  /** The JSON body; `n` is unique per request (for names that must be unique). */
  body?: (ids: Ids, n: number) => unknown;
}

const LOGIN = { UserName: 'admin', Password: JIWA_PASSWORD };
const BASELINES: Record<string, Baseline> = {
  'POST /v1/event-types': {
    body: (_ids, n) => ({ name: `hostile.made${n}`, description: 'by the hostile suite', schema: { type: 'object' } }),
  },
  'PATCH /v1/event-types/{name}': { body: () => ({ description: 'patched', schema: { type: 'object' } }) },
  'POST /v1/subscribers': { body: () => ({ name: 'hostile', enabled: true, metadata: { team: 'qa' } }) },
  'PATCH /v1/subscribers/{id}': { body: () => ({ name: 'patched', enabled: true, metadata: { team: 'qa' } }) },
  'POST /v1/subscribers/{id}/subscriptions': {
    body: () => ({
      url: TARGET_URL,
      eventTypes: [UNUSED_TYPE],
      name: 'hostile',
      description: 'd',
      method: 'POST',
      channels: ['eu'],
      headers: { 'X-Team': 'qa' },
      payloadFormat: 'standard',
      retrySchedule: [1, 60],
      timeoutSeconds: 5,
      auth: { type: 'apiKey', header: 'X-Key', value: 'hostile-api-key' },
      signing: true,
      customData: { team: 'qa' },
      enabled: true,
    }),
  },
  'PATCH /v1/subscriptions/{id}': {
    body: (ids) => ({
      name: 'patched',
      url: TARGET_URL,
      eventTypes: [ids.eventType],
      headers: { 'X-Team': 'qa' },
      retrySchedule: [1],
      auth: { type: 'jwt' },
      signing: true,
      customData: { team: 'qa' },
    }),
  },
  'POST /v1/subscriptions/{id}/recover': { body: () => ({ since: '2000-01-01T00:00:00.000Z' }) },
  'POST /v1/messages/resend': {
    body: (ids) => ({ subscriberId: ids.sbr, status: 'failed', since: '2000-01-01T00:00:00.000Z', limit: 10 }),
  },
  'POST /v1/subscriptions/{id}/secret/rotate': { body: () => ({ expiresInSeconds: 60, secret: ROTATE_SECRET }) },
  'POST /v1/subscriptions/{id}/jwt-secret/rotate': { body: () => ({ expiresInSeconds: 60, secret: 'hostile-jwt-secret-0123456789' }) },
  'POST /v1/subscriptions/{id}/test': { body: (ids) => ({ type: ids.eventType, data: { n: 1 } }) },
  'POST /v1/subscriptions/{id}/preview': {
    body: (ids) => ({
      type: ids.eventType,
      data: { n: 1, note: 'x' },
      channels: ['eu'],
      draft: { filter: ['n == 1'], payloadFormat: 'template', template: { n: '{{ n }}', text: 'note: {{ note }}' } },
    }),
  },
  'POST /v1/preview': {
    body: (ids) => ({
      subscriberId: ids.sbr,
      subscription: {
        url: TARGET_URL,
        eventTypes: [ids.eventType],
        headers: { 'X-Team': 'qa' },
        filter: ['n == 1', 'note.startsWith("x")'],
        payloadFormat: 'template',
        template: { n: '{{ n }}', text: 'note: {{ note }}', list: [1, '{{ event.type }}'] },
        auth: { type: 'apiKey', header: 'X-Key', value: 'hostile-api-key' },
      },
      event: { type: ids.eventType, data: { n: 1, note: 'x' }, channels: ['eu'] },
    }),
  },
  'POST /v1/events': { body: (ids) => ({ type: ids.eventType, data: { n: 1, note: 'x', list: ['a'] }, channels: ['eu'] }) },
  'POST /v1/events/batch': { body: (ids) => ({ events: [{ type: ids.eventType, data: { n: 1 }, channels: ['eu'] }] }) },
  'POST /v1/api-keys': {
    body: (ids) => ({
      name: 'hostile',
      scope: 'subscriber',
      subscriberId: ids.sbr,
      expiresAt: '2999-01-01T00:00:00.000Z',
      allowedIps: ['10.0.0.0/8'],
      rateLimit: 5,
    }),
  },
  'POST /v1/sessions': { body: () => ({ apiKey: ADMIN_KEY }) },
  'POST /v1/subscribers/{id}/portal': { body: () => ({ expiresInMinutes: 5 }) },
  'GET /auth': { query: () => LOGIN },
  'GET /auth/{provider}': { query: () => LOGIN },
  'POST /auth': { body: () => ({ ...LOGIN, format: 'json' }) },
  'POST /auth/{provider}': { body: () => ({ ...LOGIN, format: 'json' }) },
  'POST /Webhooks/Subscribers': { body: () => ({ Name: 'hostile', IsEnabled: true }) },
  'POST /Webhooks/Subscribers/{SubscriberID}/Subscriptions': {
    body: () => ({ URL: TARGET_URL, EventName: UNUSED_TYPE, Headers: [{ Name: 'X-Team', Value: 'qa' }] }),
  },
};

/** A 2xx of these may have deleted or changed a fixture: the fixtures are made again. */
function changesFixtures(method: string, path: string): boolean {
  return method === 'DELETE' || method === 'PATCH' || path.endsWith('/revoke');
}

// ---- requests ----

interface Req {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: string | Buffer;
}

/** The parts of a request a mutation changes, before they become a Req. */
interface Parts {
  path: Record<string, string>; // parameter → URL text
  query: [string, string][]; // name (URL text) → value (URL text); a null-ish name writes the value alone
  headers: Record<string, string | string[]>;
  body: unknown; // undefined: none
  payload?: string | Buffer; // replaces the body when set
}

type Build = (ids: Ids, n: number) => Req;

interface Case {
  op: Operation;
  location: string;
  value: string;
  build: Build;
  expect?: Expect;
  baseline?: boolean;
}

function fixtureText(kind: Kind | 'provider' | null, ids: Ids): string {
  if (kind === 'provider') return 'credentials';
  if (kind === null) return 'x';
  return ids[kind];
}

function baseParts(op: Operation, ids: Ids, n: number): Parts {
  const baseline = BASELINES[op.key];
  const path = Object.fromEntries(op.pathParams.map((p) => [p, enc(fixtureText(pathKind(op.path, p), ids))]));
  const query = Object.entries(baseline?.query?.(ids) ?? {}).map(([k, v]): [string, string] => [enc(k), enc(v)]);
  const headers: Record<string, string | string[]> = { authorization: `Bearer ${ADMIN_KEY}` };
  let body: unknown;
  if (baseline?.body) body = baseline.body(ids, n);
  else if (op.bodySchema) body = synthesize(op.bodySchema);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { path, query, headers, body };
}

function toReq(op: Operation, parts: Parts): Req {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => parts.path[name] ?? '');
  const query = parts.query.map(([k, v]) => (k === '' ? v : `${k}=${v}`)).join('&');
  const req: Req = { method: op.method, url: query ? `${path}?${query}` : path, headers: parts.headers };
  if (parts.payload !== undefined) req.payload = parts.payload;
  else if (parts.body !== undefined) req.payload = jsonText(parts.body);
  return req;
}

function build(op: Operation, mutate: (parts: Parts, ids: Ids) => void = () => {}): Build {
  return (ids, n) => {
    const parts = baseParts(op, ids, n);
    mutate(parts, ids);
    return toReq(op, parts);
  };
}

function setQuery(parts: Parts, name: string, pairs: [string, string][]): void {
  parts.query = [...parts.query.filter(([k]) => k !== enc(name)), ...pairs];
}

type JsonPath = (string | number)[];

/** A copy of `body` with the value at `path` replaced (the whole body for []). */
function setAt(body: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

const KEY_MARK = '\u0000hostile-key';

/** The JSON text of `body` with `member` ("name":value) added to the object at `path`. */
function withMember(body: unknown, path: JsonPath, member: string): string {
  const marked = setAt(body, [...path, KEY_MARK], 0);
  const text = jsonText(marked);
  const mark = `${JSON.stringify(KEY_MARK)}:0`;
  assert.ok(text.includes(mark), 'the key mark is in the body');
  return text.replace(mark, member);
}

/** Every location of a body: each value at any depth; and each object, for hostile keys. */
function bodyLocations(body: unknown, path: JsonPath = []): { values: JsonPath[]; objects: JsonPath[] } {
  const values: JsonPath[] = [];
  const objects: JsonPath[] = [];
  if (Array.isArray(body)) {
    body.forEach((item, i) => {
      values.push([...path, i]);
      const inner = bodyLocations(item, [...path, i]);
      values.push(...inner.values);
      objects.push(...inner.objects);
    });
  } else if (typeof body === 'object' && body !== null) {
    objects.push(path);
    for (const [k, v] of Object.entries(body)) {
      values.push([...path, k]);
      const inner = bodyLocations(v, [...path, k]);
      values.push(...inner.values);
      objects.push(...inner.objects);
    }
  }
  return { values, objects };
}

const pathLabel = (path: JsonPath) =>
  path.length === 0 ? '(whole body)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.');

/** The form (x-www-form-urlencoded) version of a Jiwa body: scalar fields, lists as JSON text. */
function formPairs(body: unknown): [string, string][] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).map(([k, v]): [string, string] => [enc(k), enc(typeof v === 'object' ? JSON.stringify(v) : String(v))]);
}

// ---- the cases of one operation ----

function pathValues(kind: Kind | 'provider' | null): { label: string; text: (ids: Ids) => string; expect?: Expect; big?: boolean }[] {
  const out: { label: string; text: (ids: Ids) => string; expect?: Expect; big?: boolean }[] = URL_VALUES.map((v: UrlValue) => ({
    label: v.label,
    text: () => v.text,
    ...(v.expect ? { expect: v.expect } : {}),
    ...(v.big ? { big: true } : {}),
  }));
  if (kind !== null && kind !== 'provider') {
    out.push({ label: 'well-formed id that exists nowhere', text: () => enc(ABSENT[kind]) });
    out.push({ label: 'the fixture id in lowercase', text: (ids) => enc(ids[kind].toLowerCase()) });
    out.push({ label: 'the fixture id + "x"', text: (ids) => enc(`${ids[kind]}x`) });
    out.push({ label: 'the fixture id + %00', text: (ids) => `${enc(ids[kind])}%00`, expect: INVALID_STRING });
    out.push({ label: 'the fixture id + %20', text: (ids) => `${enc(ids[kind])}%20` });
    for (const other of Object.keys(KIND_PREFIX) as Kind[]) {
      if (other !== kind) out.push({ label: `an id of another kind (${other})`, text: (ids) => enc(ids[other]) });
    }
  }
  return out;
}

function casesOf(op: Operation): Case[] {
  const cases: Case[] = [];
  const add = (location: string, value: string, b: Build, expect?: Expect) =>
    cases.push({ op, location, value, build: b, ...(expect ? { expect } : {}) });
  cases.push({ op, location: 'baseline', value: 'a valid request', build: build(op), baseline: true });

  // Path parameters: the first one also gets the 1 MB value.
  op.pathParams.forEach((param, i) => {
    for (const v of pathValues(pathKind(op.path, param))) {
      if (v.big && i > 0) continue;
      add(
        `path ${param}`,
        v.label,
        build(op, (p, ids) => {
          p.path[param] = v.text(ids);
        }),
        v.expect,
      );
    }
  });

  // Query parameters the operation declares, then one it does not.
  const cursor = op.queryParams.includes('cursor') ? cursorKind(op.path) : null;
  op.queryParams.forEach((param, i) => {
    const values: { label: string; pairs: (ids: Ids) => [string, string][]; expect?: Expect }[] = [];
    for (const v of URL_VALUES) {
      if (v.big && i > 0) continue;
      values.push({ label: v.label, pairs: () => [[enc(param), v.text]], ...(v.expect ? { expect: v.expect } : {}) });
    }
    values.push({ label: 'a subscriber id', pairs: (ids) => [[enc(param), enc(ids.sbr)]] });
    values.push({ label: 'a subscription id', pairs: (ids) => [[enc(param), enc(ids.sub)]] });
    values.push({
      label: 'repeated (a list)',
      pairs: () => [
        [enc(param), 'a'],
        [enc(param), 'b'],
      ],
    });
    values.push({ label: 'bracketed name[]', pairs: () => [[`${enc(param)}%5B%5D`, 'a']] });
    values.push({ label: 'bracketed name[__proto__]', pairs: () => [[`${enc(param)}%5B__proto__%5D`, '1']] });
    values.push({ label: 'name without a value', pairs: () => [['', enc(param)]] });
    if (param === 'cursor' && cursor !== null) {
      const malformed = (text: string) => cursor !== 'eventType' || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(decodeURIComponent(text));
      for (const c of CURSOR_VALUES) {
        values.push({ label: c.label, pairs: () => [['cursor', c.text]], ...(malformed(c.text) ? { expect: INVALID_CURSOR } : {}) });
      }
      const other: Kind = cursor === 'sbr' ? 'sub' : 'sbr';
      values.push({
        label: `an id of another kind (${other}) as cursor`,
        pairs: (ids) => [['cursor', enc(ids[other])]],
        expect: INVALID_CURSOR,
      });
      values.push({
        label: 'a well-formed cursor that names nothing',
        pairs: () => [['cursor', enc(cursor === 'eventType' ? 'zzz.absent' : newIdOnce(cursor))]],
      });
    }
    for (const v of values)
      add(
        `query ${param}`,
        v.label,
        build(op, (p, ids) => setQuery(p, param, v.pairs(ids))),
        v.expect,
      );
  });
  for (const v of URL_VALUES.filter((x) => !x.big).slice(0, 14)) {
    add(
      'query (undeclared) zz',
      v.label,
      build(op, (p) => setQuery(p, 'zz', [['zz', v.text]])),
      v.expect,
    );
  }

  // Header parameters (Idempotency-Key).
  for (const header of op.headerParams) {
    for (const v of HEADER_VALUES)
      add(
        `header ${header}`,
        v.label,
        build(op, (p) => {
          p.headers[header.toLowerCase()] = v.value;
        }),
      );
    add(
      `header ${header}`,
      'differs from the body idempotencyKey',
      build(op, (p) => {
        p.headers[header.toLowerCase()] = 'header-key';
        if (typeof p.body === 'object' && p.body !== null) p.body = { ...p.body, idempotencyKey: 'body-key' };
      }),
    );
  }

  const base = baseParts(op, ABSENT, 0);
  if (base.body !== undefined) {
    // Body fields: the schema's top-level properties and every value of the valid body, at any depth.
    const { values, objects } = bodyLocations(base.body);
    const declared = schemaProperties(op.bodySchema).map((k): JsonPath => [k]);
    const seen = new Set<string>();
    const locations = [[], ...declared, ...values].filter((p) => {
      const k = JSON.stringify(p);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    locations.forEach((loc, i) => {
      for (const v of BODY_VALUES) {
        if (v.big && i !== 1) continue; // 1 MB once per body, in its first field
        add(
          `body ${pathLabel(loc)}`,
          v.label,
          build(op, (p) => {
            p.body = setAt(p.body, loc, v.value);
          }),
          v.expect,
        );
      }
    });
    for (const obj of objects) {
      for (const k of HOSTILE_KEYS) {
        add(
          `body key in ${obj.length === 0 ? '(top level)' : pathLabel(obj)}`,
          k.label,
          build(op, (p) => {
            p.payload = withMember(p.body, obj, k.member);
          }),
          k.expect,
        );
      }
    }
    // The body as a whole: its media type and encoding.
    const contentTypes: { label: string; type: string | null; payload?: (text: string) => string | Buffer; expect?: Expect }[] = [
      { label: 'charset=utf-16', type: 'application/json; charset=utf-16', expect: UNSUPPORTED },
      {
        label: 'charset=utf-16le, UTF-16 bytes',
        type: 'application/json; charset=utf-16le',
        payload: (t) => Buffer.from(t, 'utf16le'),
        expect: UNSUPPORTED,
      },
      { label: 'charset=iso-8859-1', type: 'application/json; charset=iso-8859-1', expect: UNSUPPORTED },
      { label: 'charset="UTF-8" (quoted, upper case)', type: 'application/json; charset="UTF-8"' },
      { label: 'APPLICATION/JSON', type: 'APPLICATION/JSON' },
      { label: 'text/plain', type: 'text/plain', expect: UNSUPPORTED },
      { label: 'multipart/form-data', type: 'multipart/form-data; boundary=x', expect: UNSUPPORTED },
      { label: 'form type with a JSON body', type: 'application/x-www-form-urlencoded', ...(op.jiwa ? {} : { expect: UNSUPPORTED }) },
      { label: 'no Content-Type', type: null },
      { label: 'empty body', type: 'application/json', payload: () => '' },
      { label: 'invalid JSON {', type: 'application/json', payload: () => '{' },
      { label: 'JSON followed by garbage', type: 'application/json', payload: (t) => `${t} x` },
      { label: 'UTF-8 byte order mark', type: 'application/json', payload: (t) => `\ufeff${t}` },
      { label: 'invalid UTF-8 bytes in a string', type: 'application/json', payload: (t) => invalidUtf8(t) },
      { label: 'duplicate keys', type: 'application/json', payload: (t) => t.replace(/^\{/, '{"hostileDup":1,"hostileDup":2,') },
    ];
    for (const ct of contentTypes) {
      add(
        'content-type',
        ct.label,
        build(op, (p) => {
          const text = jsonText(p.body);
          if (ct.type === null) delete p.headers['content-type'];
          else p.headers['content-type'] = ct.type;
          p.payload = ct.payload ? ct.payload(text) : text;
        }),
        ct.expect,
      );
    }
    // Jiwa routes take forms too.
    if (op.jiwa) {
      const fields = formPairs(base.body).map(([k]) => decodeURIComponent(k));
      const form = (p: Parts, field: string | null, text: string) => {
        p.headers['content-type'] = 'application/x-www-form-urlencoded';
        const pairs = formPairs(p.body).filter(([k]) => k !== field);
        if (field !== null) pairs.push([enc(field), text]);
        p.payload = pairs.map(([k, v]) => `${k}=${v}`).join('&');
      };
      add(
        'form',
        'a valid form',
        build(op, (p) => form(p, null, '')),
      );
      for (const field of fields) {
        for (const v of URL_VALUES.filter((x) => !x.big))
          add(
            `form ${field}`,
            v.label,
            build(op, (p) => form(p, field, v.text)),
            v.expect,
          );
      }
    }
  } else if (op.method !== 'GET') {
    // A body where none is expected is parsed all the same.
    for (const v of BODY_VALUES.filter((x) => x.expect || x.label === 'object {}')) {
      add(
        'unexpected body',
        v.label,
        build(op, (p) => {
          p.headers['content-type'] = 'application/json';
          p.payload = jsonText(v.value);
        }),
      );
    }
  }

  // Credentials: the admin key spelled wrong, and session tokens (Jiwa) that are not one.
  if (
    op.key === 'GET /v1/subscribers' ||
    op.key === 'POST /v1/events' ||
    op.key === 'POST /Webhooks/Subscribers' ||
    op.key === 'GET /auth'
  ) {
    const auths = [
      `Bearer ${ADMIN_KEY}x`,
      `bearer ${ADMIN_KEY}`,
      `Bearer  ${ADMIN_KEY} `,
      'Bearer',
      'Basic YWRtaW46cGFzc3dvcmQ=',
      `Bearer ${"' OR 1=1 --"}`,
      `Bearer ${'k'.repeat(8_192)}`,
      `Bearer ${ADMIN_KEY}\u00e9`,
    ];
    for (const a of auths)
      add(
        'header authorization',
        a.length > 80 ? `${a.slice(0, 20)}… (${a.length} characters)` : a,
        build(op, (p) => {
          p.headers.authorization = a;
        }),
      );
    for (const token of ['%ZZ', '%', '%00', "' OR 1=1 --", 'k'.repeat(4_096), '']) {
      const label = token.length > 80 ? `${token.length} characters` : JSON.stringify(token);
      add(
        'cookie ss-id',
        label,
        build(op, (p) => {
          delete p.headers.authorization;
          p.headers.cookie = `ss-id=${token}`;
        }),
      );
      add(
        'header x-ss-id',
        label,
        build(op, (p) => {
          delete p.headers.authorization;
          p.headers['x-ss-id'] = token;
        }),
      );
    }
  }
  return cases;
}

const onceIds = new Map<string, string>();
function newIdOnce(prefix: IdPrefix): string {
  let id = onceIds.get(prefix);
  if (!id) {
    id = newId(prefix);
    onceIds.set(prefix, id);
  }
  return id;
}

/** `text` with the first string value's content replaced by bytes that are not UTF-8. */
function invalidUtf8(text: string): Buffer {
  const at = text.indexOf('":"');
  if (at < 0) return Buffer.concat([Buffer.from(text), Buffer.from([0xff])]);
  return Buffer.concat([Buffer.from(text.slice(0, at + 3)), Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xfe]), Buffer.from(text.slice(at + 3))]);
}

/** The methods a path does not have: each must be 405 with Allow. */
function methodCases(path: string, ops: Operation[], all: Operation[]): Case[] {
  const have = new Set(ops.map((o) => o.method));
  const op = ops[0] as Operation;
  // GET /v1/events/batch is GET /v1/events/{id}: a method some other path template takes is not missing.
  const concrete = path.replace(/\{\w+\}/g, 'x');
  const template = (p: string) => new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`);
  const elsewhere = (m: string) => all.some((o) => o.method === m && o.path !== path && template(o.path).test(concrete));
  return METHODS.filter((m) => !have.has(m) && !elsewhere(m)).map((m) => ({
    op,
    location: 'method',
    value: m,
    expect: METHOD_NOT_ALLOWED,
    build: (ids: Ids, n: number) => {
      const req = toReq({ ...op, method: m }, { ...baseParts(op, ids, n), body: undefined });
      delete req.headers['content-type'];
      return { ...req, url: req.url.split('?')[0] ?? path };
    },
  }));
}

// ---- two stores, and what changed in them ----

interface Change {
  id: number;
  tbl: string;
  op: string;
}

interface Side {
  name: 'sqlite' | 'postgres';
  app: FastifyInstance;
  store: Store;
  ids: Ids;
  lastChange: number;
  /** Rows written since the last call (by the triggers' log). */
  changes(): Promise<Change[]>;
  close(): Promise<void>;
}

/** Tables both stores have: their net row counts must move alike. */
const COMMON_TABLES = [
  'api_keys',
  'attempts',
  'audit_log',
  'event_types',
  'events',
  'messages',
  'sessions',
  'subscribers',
  'subscription_patterns',
  'subscriptions',
];

function appConfig(databaseUrl: string): HeraldConfig {
  return resolveConfig({
    databaseUrl,
    adminKey: ADMIN_KEY,
    logLevel: 'silent',
    allowedNetworks: TEST_ALLOWED_NETWORKS,
    jiwaPassword: JIWA_PASSWORD,
    secretKey: TEST_SECRET_KEY,
  });
}

const NO_IDS: Ids = { eventType: '', sbr: '', sub: '', evt: '', msg: '', att: '', key: '' };

async function sqliteSide(): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-hostile-'));
  const path = join(dir, 'herald.db');
  const store = sqliteStore({ path });
  await store.migrate();
  const db = new Database(path);
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    .all() as { name: string }[];
  db.exec('CREATE TABLE hostile_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL)');
  for (const { name } of tables) {
    if (name === 'herald_migrations') continue;
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TRIGGER "hostile_${name}_${op}" AFTER ${op} ON "${name}" BEGIN INSERT INTO hostile_changes (tbl, op) VALUES ('${name}', '${op}'); END`,
      );
    }
  }
  const read = db.prepare('SELECT id, tbl, op FROM hostile_changes WHERE id > ? ORDER BY id');
  const app = await buildApp({ store, config: appConfig(`sqlite:${path}`) });
  const side: Side = {
    name: 'sqlite',
    app,
    store,
    ids: NO_IDS,
    lastChange: 0,
    async changes() {
      const rows = read.all(side.lastChange) as Change[];
      if (rows.length > 0) side.lastChange = (rows[rows.length - 1] as Change).id;
      return rows;
    },
    async close() {
      await app.close();
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return side;
}

async function postgresSide(db: TestDatabase): Promise<Side> {
  const { url, schema } = await createTestSchema(db.url);
  const store = postgresStore({ url, poolMax: 4 });
  await store.migrate();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const s = `"${schema}"`;
  const tables = await sql<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = ${schema}`;
  await sql.unsafe(`CREATE TABLE ${s}.hostile_changes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL)`);
  await sql.unsafe(
    `CREATE FUNCTION ${s}.hostile_log() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO ${s}.hostile_changes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$`,
  );
  for (const { tablename } of tables) {
    if (tablename === 'herald_migrations') continue;
    await sql.unsafe(
      `CREATE TRIGGER hostile_log AFTER INSERT OR UPDATE OR DELETE ON ${s}."${tablename}" FOR EACH ROW EXECUTE FUNCTION ${s}.hostile_log()`,
    );
  }
  const app = await buildApp({ store, config: appConfig(url) });
  const side: Side = {
    name: 'postgres',
    app,
    store,
    ids: NO_IDS,
    lastChange: 0,
    async changes() {
      const rows = await sql<{ id: string; tbl: string; op: string }[]>`
        SELECT id, tbl, op FROM ${sql(schema)}.hostile_changes WHERE id > ${side.lastChange} ORDER BY id`;
      const out = rows.map((r) => ({ id: Number(r.id), tbl: r.tbl, op: r.op }));
      if (out.length > 0) side.lastChange = (out[out.length - 1] as Change).id;
      return out;
    },
    async close() {
      await app.close();
      await store.close();
      await sql.end({ timeout: 1 });
    },
  };
  return side;
}

// ---- answers ----

interface Reply {
  status: number; // -1: inject threw
  text: string;
  contentType: string;
  allow: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of any shape
  json: any;
}

async function send(side: Side, req: Req, n: number): Promise<Reply> {
  try {
    const res = await side.app.inject({
      method: req.method as 'GET',
      url: req.url,
      headers: req.headers,
      ...(req.payload !== undefined ? { payload: req.payload } : {}),
      // A fresh address per request: the /auth login throttle counts failures per address.
      remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    });
    const contentType = String(res.headers['content-type'] ?? '');
    let json: unknown;
    if (contentType.includes('json') && res.body) {
      try {
        json = JSON.parse(res.body);
      } catch {
        json = undefined;
      }
    }
    const allow = res.headers.allow;
    return { status: res.statusCode, text: res.body, contentType, allow: allow === undefined ? undefined : String(allow), json };
  } catch (err) {
    return { status: -1, text: `inject threw: ${(err as Error).message}`, contentType: '', allow: undefined, json: undefined };
  }
}

const codeOf = (r: Reply): string | undefined => (typeof r.json?.code === 'string' ? r.json.code : undefined);
const summary = (r: Reply) => `${r.status}${codeOf(r) ? ` ${codeOf(r)}` : ''}`;
const sample = (r: Reply) => (r.text.length > BODY_SAMPLE ? `${r.text.slice(0, BODY_SAMPLE)}… (${r.text.length} characters)` : r.text);

/**
 * A body with what differs between stores by nature masked: ids, times, secrets, tokens, RowHash
 * (a hash of id and time), and a message's ItemNo, its store `seq` (the contract only asks it to
 * grow with insertion: PostgreSQL numbers from a sequence, SQLite from the rowid, which it reuses
 * once the newest rows are deleted). CSV and HTML are compared by their rows' count and header.
 */
function comparable(r: Reply): string {
  if (r.contentType.startsWith('text/csv')) {
    const lines = r.text.split(/\r?\n/);
    return `${lines.length} lines, header ${lines[0]}`;
  }
  if (r.contentType.startsWith('text/html')) return `${r.text.split('<tr').length - 1} rows`;
  return masked(r.text)
    .replace(/("(?:ItemNo|MessageItemNo|RowHash)"\s*:\s*)("[^"]*"|\d+)/g, '$1<masked>')
    .replace(/<(ItemNo|MessageItemNo|RowHash)>[^<]*</g, '<$1><masked><');
}

/** `text` with ids, times, secrets and tokens masked. */
function masked(text: string): string {
  return text
    .replace(/\b(sbr|sub|evt|msg|att|key|aud|ses)_[0-9A-HJKMNP-TV-Z]{26}\b/g, '$1_<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\\?\/Date\(\d+([+-]\d{4})?\)\\?\//g, '<date>')
    .replace(/whsec_[A-Za-z0-9+/=]+/g, 'whsec_<secret>')
    .replace(/hk_[A-Za-z0-9_-]{43}/g, 'hk_<key>')
    .replace(/("webhook-timestamp":")\d+"/g, '$1<timestamp>"') // a preview's, made at its time
    .replace(/("durationMs":)\d+(\.\d+)?/g, '$1<ms>') // a conformance check's timings
    .replace(/v1,[A-Za-z0-9+/]+=*/g, 'v1,<signature>') // signed with each store's own secret
    .replace(/("(?:SessionId|BearerToken)"\s*:\s*")[A-Za-z0-9_-]+"/g, '$1<token>"')
    .replace(/(<(SessionId|BearerToken)>)[A-Za-z0-9_-]+(<\/)/g, '$1<token>$3')
    .replace(/[A-Za-z0-9_-]{43}/g, '<token>');
}

// ---- findings ----

type Category =
  | '5xx'
  | 'status differs between stores'
  | 'error code differs between stores'
  | 'state changed on a 4xx'
  | 'row counts moved differently'
  | '2xx body differs between stores'
  | 'documented answer not given'
  | 'error body not in Herald shape'
  | 'harness: valid baseline refused'
  | 'harness: request could not be sent';

const CATEGORY_ORDER: Category[] = [
  '5xx',
  'status differs between stores',
  'error code differs between stores',
  'state changed on a 4xx',
  'row counts moved differently',
  '2xx body differs between stores',
  'documented answer not given',
  'error body not in Herald shape',
  'harness: valid baseline refused',
  'harness: request could not be sent',
];

interface Finding {
  category: Category;
  op: string;
  location: string;
  value: string;
  detail: string; // the group key besides op and location: statuses, codes, tables
  sample: string;
}

function net(changes: Change[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of changes) {
    if (!COMMON_TABLES.includes(c.tbl) || c.op === 'UPDATE') continue;
    out.set(c.tbl, (out.get(c.tbl) ?? 0) + (c.op === 'INSERT' ? 1 : -1));
  }
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}

const describeChanges = (changes: Change[]) => {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(`${c.op} ${c.tbl}`, (counts.get(`${c.op} ${c.tbl}`) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v}× ${k}`).join(', ');
};
const describeNet = (m: Map<string, number>) =>
  [...m]
    .sort()
    .map(([t, v]) => `${t} ${v > 0 ? '+' : ''}${v}`)
    .join(', ') || 'none';

const OPERATIONS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Set once the stores' rows moved differently: from then on lists may differ as a consequence. */
interface RunState {
  diverged: boolean;
}

function check(c: Case, sides: Side[], replies: Reply[], changes: Change[][], findings: Finding[], state: RunState): void {
  const base = { op: c.op.key, location: c.location, value: c.value };
  const add = (category: Category, detail: string, sampleText: string) => findings.push({ ...base, category, detail, sample: sampleText });
  const [a, b] = replies as [Reply, Reply];
  const both = sides.map((s, i) => `${s.name} ${summary(replies[i] as Reply)}`).join(' / ');

  for (const [i, r] of replies.entries()) if (r.status === -1) add('harness: request could not be sent', (sides[i] as Side).name, r.text);
  const failed = replies.findIndex((r) => r.status >= 500);
  if (failed >= 0) add('5xx', both, `${(sides[failed] as Side).name}: ${sample(replies[failed] as Reply)}`);
  if (a.status !== b.status) add('status differs between stores', both, `sqlite: ${sample(a)}\n      postgres: ${sample(b)}`);
  else if (a.status >= 400 && codeOf(a) !== codeOf(b))
    add('error code differs between stores', both, `sqlite: ${sample(a)}\n      postgres: ${sample(b)}`);

  for (const [i, r] of replies.entries()) {
    const ch = changes[i] as Change[];
    if (r.status >= 400 && r.status < 500 && ch.length > 0) {
      add('state changed on a 4xx', `${(sides[i] as Side).name} ${summary(r)}: ${describeChanges(ch)}`, sample(r));
    }
  }
  const [na, nb] = [net(changes[0] as Change[]), net(changes[1] as Change[])];
  if (describeNet(na) !== describeNet(nb)) {
    add('row counts moved differently', `sqlite ${describeNet(na)} / postgres ${describeNet(nb)}`, both);
    state.diverged = true;
  }

  if (a.status === b.status && a.status >= 200 && a.status < 300 && !OPERATIONS_ROUTES.has(c.op.path)) {
    const [ma, mb] = [comparable(a), comparable(b)];
    if (ma !== mb) {
      let at = 0;
      while (at < ma.length && ma[at] === mb[at]) at++;
      const around = (t: string) => JSON.stringify(t.slice(Math.max(0, at - 60), at + 120));
      const after = state.diverged ? ', after the stores diverged (see row counts): maybe only a consequence' : '';
      add(
        '2xx body differs between stores',
        `${a.status}${after}`,
        `at character ${at}: sqlite ${around(ma)}\n      postgres ${around(mb)}`,
      );
    }
  }

  // The documented answer, and Herald's error shape: reported once when both stores agree.
  const expectIssues = replies.map((r) => {
    const e = c.expect;
    if (!e || r.status === -1) return null;
    const code = codeOf(r);
    if (r.status !== e.status || !e.codes.includes(code ?? ''))
      return `${summary(r)} (expected ${e.status} ${e.codes.join('|')}: ${e.rule})`;
    if (e === METHOD_NOT_ALLOWED && !r.allow) return `${summary(r)} without an Allow header`;
    return null;
  });
  const shapeIssues = replies.map((r) => {
    if (r.status < 400) return null;
    const code = codeOf(r);
    if (code === undefined || typeof r.json?.message !== 'string')
      return `${r.status} ${r.contentType || 'no content type'}, not {code, message}`;
    const known = (ERRORS as Record<string, { status: number }>)[code];
    if (!known) return `${r.status} code "${code}" is not in the registry`;
    if (known.status !== r.status) return `code ${code} answered ${r.status}, registered as ${known.status}`;
    return null;
  });
  for (const [category, issues] of [
    ['documented answer not given', expectIssues],
    ['error body not in Herald shape', shapeIssues],
  ] as const) {
    const [ia, ib] = issues;
    if (ia && ia === ib) add(category, `both: ${ia}`, sample(a));
    else {
      if (ia) add(category, `sqlite: ${ia}`, sample(a));
      if (ib) add(category, `postgres: ${ib}`, sample(b));
    }
  }
  if (c.baseline && (a.status < 200 || a.status >= 300 || b.status < 200 || b.status >= 300)) {
    add('harness: valid baseline refused', both, `sqlite: ${sample(a)}\n      postgres: ${sample(b)}`);
  }
}

/** The findings by category; requests that failed alike (same detail, same values, the same kind
 *  of location) on several operations are one entry listing them. */
function report(findings: Finding[]): string {
  const lines: string[] = [];
  for (const category of CATEGORY_ORDER) {
    const mine = findings.filter((f) => f.category === category);
    if (mine.length === 0) continue;
    lines.push('', `=== ${category}: ${mine.length} request(s)`);
    const groups = new Map<string, Finding[]>();
    for (const f of mine) {
      const key = `${f.op} | ${f.location} | ${f.detail}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const merged = new Map<string, { detail: string; where: string[]; values: string[]; sample: string }>();
    for (const group of groups.values()) {
      const first = group[0] as Finding;
      const values = group.map((f) => f.value);
      const key = `${first.location.split(' ')[0]} | ${first.detail} | ${values.join('; ')}`;
      const entry = merged.get(key) ?? { detail: first.detail, where: [], values, sample: first.sample };
      entry.where.push(`${first.op} [${first.location}]`);
      merged.set(key, entry);
    }
    for (const entry of merged.values()) {
      lines.push(`  ${entry.detail}`);
      lines.push(`    at (${entry.where.length}): ${entry.where.join(', ')}`);
      lines.push(`    values (${entry.values.length}): ${entry.values.join('; ')}`);
      lines.push(`    e.g. ${entry.sample.replace(/\n/g, '\n    ')}`);
    }
  }
  return lines.join('\n');
}

// ---- fixtures, made through the API ----

async function call(side: Side, method: string, url: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send(side, { method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) }, 1);
}

function expectStatus(side: Side, what: string, reply: Reply, ...statuses: number[]): void {
  if (!statuses.includes(reply.status)) throw new Error(`fixtures on ${side.name}: ${what} answered ${reply.status}: ${sample(reply)}`);
}

/** Makes a fresh set of fixtures on one store (dropping the previous subscriber, whose messages go with it). */
async function seed(side: Side, generation: number): Promise<void> {
  if (side.ids.sbr) {
    const gone = await call(side, 'DELETE', `/v1/subscribers/${side.ids.sbr}`);
    expectStatus(side, 'deleting the previous subscriber', gone, 204, 404);
  }
  const et = await call(side, 'POST', '/v1/event-types', { name: FIXTURE_TYPE, description: 'the fixture type' });
  expectStatus(side, 'POST /v1/event-types', et, 201, 409);
  // Subscriptions may name only event types in the catalogue: the walk's take this one.
  const unused = await call(side, 'POST', '/v1/event-types', { name: UNUSED_TYPE, description: 'what the walk subscribes to' });
  expectStatus(side, 'POST /v1/event-types', unused, 201, 409);
  const sbr = await call(side, 'POST', '/v1/subscribers', { name: `fixture ${generation}` });
  expectStatus(side, 'POST /v1/subscribers', sbr, 201);
  const sub = await call(side, 'POST', `/v1/subscribers/${sbr.json.id}/subscriptions`, {
    url: TARGET_URL,
    eventTypes: [FIXTURE_TYPE],
    auth: { type: 'jwt' }, // so that the JWT secret routes have one
  });
  expectStatus(side, 'POST subscriptions', sub, 201);
  const evt = await call(side, 'POST', '/v1/events', { type: FIXTURE_TYPE, data: { fixture: generation }, subscriberId: sbr.json.id });
  expectStatus(side, 'POST /v1/events', evt, 202);
  const msgs = await call(side, 'GET', `/v1/messages?eventId=${evt.json.id}`);
  expectStatus(side, 'GET /v1/messages', msgs, 200);
  const msg = msgs.json.data?.[0];
  if (!msg) throw new Error(`fixtures on ${side.name}: the fixture event made no message: ${sample(evt)}`);
  const now = Date.now();
  const att = newId('att', now);
  await side.store.recordAttempts([
    {
      attempt: {
        id: att,
        messageId: msg.id,
        subscriptionId: sub.json.id,
        subscriberId: sbr.json.id,
        eventType: FIXTURE_TYPE,
        statusCode: 500,
        durationMs: 12,
        error: 'HTTP 500',
        requestHeaders: { 'content-type': 'application/json' },
        responseHeaders: { 'content-type': 'text/plain' },
        responseBody: 'a fixture failure',
        trigger: 'scheduled',
        createdAt: now,
      },
      status: 'failed',
      attempts: 1,
      retries: 0,
      nextAttemptAt: null,
      health: null,
    },
  ]);
  const key = await call(side, 'POST', '/v1/api-keys', { name: `fixture ${generation}`, scope: 'read' });
  expectStatus(side, 'POST /v1/api-keys', key, 201);
  side.ids = { eventType: FIXTURE_TYPE, sbr: sbr.json.id, sub: sub.json.id, evt: evt.json.id, msg: msg.id, att, key: key.json.id };
}

// ---- the suite ----

const skipReason = await requirePostgres();

describe('hostile input (issue 14): every operation, every location, both stores', () => {
  if (skipReason !== null) {
    it('needs PostgreSQL', { skip: skipReason }, () => {});
    return;
  }
  let db: TestDatabase;
  let sides: Side[] = [];
  before(async () => {
    db = await createTestDatabase();
    sides = [await sqliteSide(), await postgresSide(db)];
  });
  after(async () => {
    for (const side of sides) await side.close();
    await db?.drop();
  });

  it('answers no 5xx, the same on both stores, and changes nothing when it refuses', async () => {
    const started = Date.now();
    const findings: Finding[] = [];
    let generation = 0;
    let requests = 0;
    let reseeds = 0;
    let documented = 0; // requests with a documented answer to check
    const state: RunState = { diverged: false };

    const reseed = async (label: string) => {
      generation++;
      reseeds++;
      await Promise.all(sides.map((s) => seed(s, generation)));
      const changes = await Promise.all(sides.map((s) => s.changes()));
      // The harness's own check: the triggers see the fixtures being written, or nothing is checked.
      for (const [i, ch] of changes.entries()) assert.ok(ch.length > 0, `the change log of ${(sides[i] as Side).name} saw no write`);
      const [na, nb] = [net(changes[0] as Change[]), net(changes[1] as Change[])];
      if (describeNet(na) !== describeNet(nb)) {
        findings.push({
          category: 'row counts moved differently',
          op: 'fixtures',
          location: label,
          value: `generation ${generation}`,
          detail: `sqlite ${describeNet(na)} / postgres ${describeNet(nb)}`,
          sample: '',
        });
        state.diverged = true;
      }
    };

    const run = async (c: Case, reseedAfter = true) => {
      const n = ++requests;
      if (c.expect) documented++;
      const replies = await Promise.all(sides.map((s) => send(s, c.build(s.ids, n), n)));
      const changes = await Promise.all(sides.map((s) => s.changes()));
      check(c, sides, replies, changes, findings, state);
      const ok = replies.some((r) => r.status >= 200 && r.status < 300);
      if (reseedAfter && ok && changesFixtures(c.op.method, c.op.path)) await reseed(`after ${c.op.key} | ${c.location} | ${c.value}`);
    };

    await reseed('first');

    // The operations: docs/openapi.json and the live document (they should be the same).
    const docsPath = new URL('../../docs/openapi.json', import.meta.url);
    const docs = operationsOf(JSON.parse(readFileSync(docsPath, 'utf8')) as OpenApiDocument);
    await (sides[0] as Side).app.ready();
    const live = operationsOf((sides[0] as Side).app.swagger() as unknown as OpenApiDocument);
    const operations = new Map([...docs, ...live]);
    const onlyDocs = [...docs.keys()].filter((k) => !live.has(k));
    const onlyLive = [...live.keys()].filter((k) => !docs.has(k));
    assert.ok(operations.size > 40, `the document lists ${operations.size} operations`);

    let cases = 0;
    for (const op of operations.values()) {
      for (const c of casesOf(op)) {
        await run(c);
        cases++;
      }
    }
    const byPath = new Map<string, Operation[]>();
    for (const op of operations.values()) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
    for (const [path, ops] of byPath) for (const c of methodCases(path, ops, [...operations.values()])) await run(c);

    // Hostile data the current fixtures keep (the walk's was mostly dropped with earlier fixtures):
    // names and headers, and an event of each value, whose messages the Jiwa lists show as Body.
    const stored: { key: string; value: string; body: (ids: Ids) => unknown }[] = [
      {
        key: 'PATCH /v1/subscribers/{id}',
        value: 'hostile name and metadata',
        body: () => ({ name: HOSTILE_TEXT, metadata: { [HOSTILE_TEXT]: HOSTILE_TEXT } }),
      },
      {
        key: 'PATCH /v1/subscriptions/{id}',
        value: 'hostile name, description and header',
        body: () => ({ name: HOSTILE_TEXT, description: HOSTILE_TEXT, headers: { 'X-Hostile': HOSTILE_HEADER } }),
      },
      ...BODY_VALUES.filter((v) => !v.big).map((v) => ({
        key: 'POST /v1/events',
        value: `data: ${v.label}`,
        body: (ids: Ids) => ({ type: ids.eventType, data: v.value }),
      })),
      {
        key: 'POST /v1/events',
        value: 'data: hostile key and value',
        body: (ids: Ids) => ({ type: ids.eventType, data: { [HOSTILE_TEXT]: HOSTILE_TEXT } }),
      },
    ];
    for (const x of stored) {
      const op = operations.get(x.key);
      if (!op) continue;
      await run(
        {
          op,
          location: 'stored data: written',
          value: x.value,
          build: build(op, (p, ids) => {
            p.body = x.body(ids);
          }),
        },
        false,
      );
    }

    // The hostile data now stored, read back: every GET in every Jiwa format, Jiwa lists ordered
    // by each of their fields, and every /v1 list followed page by page.
    for (const op of operations.values()) {
      if (op.method !== 'GET') continue;
      const variants: { location: string; value: string; mutate: (p: Parts) => void }[] = [];
      if (op.jiwa) {
        for (const format of ['json', 'xml', 'csv', 'html']) {
          variants.push({ location: 'stored data: format', value: format, mutate: (p) => setQuery(p, 'format', [['format', format]]) });
        }
        for (const accept of [
          'application/xml',
          'text/csv',
          'text/html,application/xhtml+xml;q=0.9',
          '*/*;q=0',
          'application/json;q=abc, text/csv',
        ]) {
          variants.push({
            location: 'stored data: accept',
            value: accept,
            mutate: (p) => {
              p.headers.accept = accept;
            },
          });
        }
        if (op.queryParams.includes('OrderBy')) {
          const fields = op.queryParams.filter(
            (q) => /^[A-Z]/.test(q) && !['Skip', 'Take', 'OrderBy', 'OrderByDesc', 'Fields'].includes(q),
          );
          for (const f of fields) {
            variants.push({ location: 'stored data: OrderBy', value: f, mutate: (p) => setQuery(p, 'OrderBy', [['OrderBy', f]]) });
            variants.push({
              location: 'stored data: OrderBy',
              value: `-${f}`,
              mutate: (p) => setQuery(p, 'OrderBy', [['OrderBy', `-${f}`]]),
            });
            variants.push({ location: 'stored data: Fields', value: f, mutate: (p) => setQuery(p, 'Fields', [['Fields', f]]) });
          }
          for (const format of ['xml', 'csv', 'html']) {
            variants.push({
              location: 'stored data: format',
              value: `${format}, Take=1000`,
              mutate: (p) =>
                setQuery(p, 'format', [
                  ['format', format],
                  ['Take', '1000'],
                ]),
            });
          }
        }
      } else {
        variants.push({ location: 'stored data', value: 'read back', mutate: () => {} });
      }
      for (const v of variants) await run({ op, location: v.location, value: v.value, build: build(op, v.mutate) });
      if (op.queryParams.includes('cursor') && op.pathParams.length === 0) {
        // Page by page with valid cursors: every page answered alike, the same number of rows.
        const cursors: (string | null)[] = sides.map(() => null);
        for (let page = 0; page < 200; page++) {
          const n = ++requests;
          const c: Case = { op, location: 'stored data: pages of 7', value: `page ${page + 1}`, build: build(op) };
          const replies = await Promise.all(
            sides.map((s, i) => {
              const req = c.build(s.ids, n);
              const cursor = cursors[i];
              req.url = `${op.path}?limit=7${cursor ? `&cursor=${enc(cursor)}` : ''}`;
              return send(s, req, n);
            }),
          );
          check(c, sides, replies, await Promise.all(sides.map((s) => s.changes())), findings, state);
          const next = replies.map((r) => (r.status === 200 ? (r.json?.nextCursor as string | null) : null));
          if (next.some((x, i) => (x === null) !== (next[(i + 1) % next.length] === null))) {
            findings.push({
              op: op.key,
              location: 'stored data: pages of 7',
              value: `page ${page + 1}`,
              category: '2xx body differs between stores',
              detail: 'one store has a next page, the other none',
              sample: next.join(' / '),
            });
            break;
          }
          if (next[0] === null) break;
          for (const [i, x] of next.entries()) cursors[i] = x ?? null;
        }
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const header = [
      `hostile input: ${requests} requests to each of 2 stores (${cases} cases over ${operations.size} operations: ${docs.size} in docs/openapi.json, ${live.size} in the live document), ${documented} with a documented answer, ${reseeds} fixture sets, ${seconds} s`,
      onlyDocs.length ? `only in docs/openapi.json: ${onlyDocs.join(', ')}` : '',
      onlyLive.length ? `only in the live document: ${onlyLive.join(', ')}` : '',
      `findings: ${findings.length}`,
    ]
      .filter(Boolean)
      .join('\n');
    const text = `${header}\n${report(findings)}`;
    console.log(header);
    const out = process.env['HERALD_HOSTILE_REPORT'];
    if (out) writeFileSync(out, `${text}\n`);
    assert.equal(findings.length, 0, text);
  });
});
