// Recording changes in the audit log, uniformly: a route that changes something names its audit
// action in its config (`config: { action: 'subscriptions.write', audit: 'subscription.update' }`),
// and one onSend hook records every 2xx answer of such a route before the answer leaves. Nothing
// to call from the handler, so nothing to forget; and installAudit refuses to start an API whose
// non-GET route names no audit action (`audit: false` says "changes nothing worth recording", as
// ingest does: events are data, not configuration, and have their own log).
//
// What is recorded, unless the handler says otherwise with describeChange(): the actor from the
// API key, the caller's address, the resource id from the path (`:id` or `:name`) or, for
// `*.create`, from the created record in the answer, and the request body as the changed fields.
// domain/audit.ts redacts secrets. The entry is written after the change, not in its transaction:
// if writing it fails, the change stands, the failure is logged, and the client still gets its answer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AuditAction, auditEntry } from '../domain/audit.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action of a route that changes something; false: nothing to record. Required on non-GET /v1 routes. */
    audit?: AuditAction | false;
  }
  interface FastifyRequest {
    auditDetail: AuditDetail | null;
  }
}

export interface AuditDetail {
  /** The resource changed, when it is not the `:id`/`:name` in the path (or, for creates, the answer's id). */
  resourceId?: string | null;
  /** The changed fields, when they are not the request body. Redacted when recorded. */
  changes?: Record<string, unknown> | null;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** For a handler whose change is not simply its body, or whose resource is not in its path. */
export function describeChange(request: FastifyRequest, detail: AuditDetail): void {
  request.auditDetail = { ...request.auditDetail, ...detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id (or, for event types, the name) of the record a create answered with. */
function createdId(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const body = JSON.parse(payload) as unknown;
    if (!isRecord(body)) return null;
    const id = body.id ?? body.name;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

function resourceIdOf(request: FastifyRequest, action: AuditAction, payload: unknown): string | null {
  const detail = request.auditDetail;
  if (detail?.resourceId !== undefined) return detail.resourceId;
  if (action.endsWith('.create')) return createdId(payload);
  const params = isRecord(request.params) ? request.params : {};
  const fromPath = params.id ?? params.name;
  return typeof fromPath === 'string' ? fromPath : null;
}

/** Installs the audit hooks on a scope (/v1); call before registering its routes. */
export function installAudit(scope: FastifyInstance, store: Store): void {
  scope.decorateRequest('auditDetail', null);

  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((m) => !READ_METHODS.has(m)) && route.config?.audit === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} changes something but names no config.audit (use false to record nothing)`);
    }
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.audit;
    if (!action || reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const detail = request.auditDetail;
    const changes = detail?.changes !== undefined ? detail.changes : isRecord(request.body) ? request.body : null;
    const entry = auditEntry(
      {
        actor: request.principal?.actor ?? 'unknown',
        action,
        resourceId: resourceIdOf(request, action, payload),
        changes,
        ip: request.ip,
      },
      Date.now(),
    );
    try {
      await store.appendAudit(entry);
    } catch (err) {
      request.log.error({ err, audit: entry }, 'could not record an audit entry');
    }
    return payload;
  });
}
