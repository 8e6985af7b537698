// The audit log's vocabulary: what can be recorded and how secrets are kept out of it. An entry
// says who (`actor`) did what (`action`, `<resourceType>.<verb>`) to which resource, with the
// fields that were sent. Every entry is built by auditEntry, which redacts, so no caller can
// forget to: values under secret-looking names, every custom header value and the credential fields
// of a subscription's auth become "[redacted]",
// credentials in URLs are cut out, long strings are shortened.
import { AUTH_CREDENTIAL_FIELDS, type AuditEntry } from './glossary.js';
import { newId } from './ids.js';

/** Every action the audit log records. A route that changes something names one in `config.audit`. */
export const AUDIT_ACTIONS = [
  'event-type.create',
  'event-type.update',
  'event-type.delete',
  'event-type.import',
  'subscriber.create',
  'subscriber.update',
  'subscriber.enable',
  'subscriber.disable',
  'subscriber.delete',
  'subscription.create',
  'subscription.update',
  'subscription.enable',
  'subscription.disable',
  'subscription.delete',
  'subscription.recover',
  'subscription.rotate-secret',
  'subscription.rotate-jwt-secret',
  'subscription.test',
  'message.delete',
  'message.resend',
  'api-key.create',
  'api-key.revoke',
  'subscriber.portal',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a change that came through no API key: the command line. */
export const CLI_ACTOR = 'cli';
/** The key configured in HERALD_ADMIN_KEY, which has no id of its own. */
export const CONFIGURED_ADMIN_ACTOR = 'admin';

export const REDACTED = '[redacted]';
const SECRET_NAME = /secret|password|passphrase|token|credential|private|authorization|signature|api[-_]?key|^key$/i;
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;
const MAX_STRING = 1_024; // characters kept of one string value
const MAX_DEPTH = 8; // levels of nesting kept
/** A subscription's `auth` holds credentials under names no pattern foresees (an API key's `value`). */
const AUTH_CREDENTIALS = new Set<string>(Object.values(AUTH_CREDENTIAL_FIELDS).flat());

export function resourceTypeOf(action: AuditAction): string {
  return action.slice(0, action.lastIndexOf('.'));
}

/**
 * `x.update` that only flips `enabled` is recorded as `x.enable` or `x.disable`, when those
 * actions exist, so turning something off is easy to find.
 */
export function refineAction(action: AuditAction, changes: Record<string, unknown> | null): AuditAction {
  if (!action.endsWith('.update') || changes === null) return action;
  const keys = Object.keys(changes);
  if (keys.length !== 1 || typeof changes.enabled !== 'boolean') return action;
  const refined = `${resourceTypeOf(action)}.${changes.enabled ? 'enable' : 'disable'}`;
  return (AUDIT_ACTIONS as readonly string[]).includes(refined) ? (refined as AuditAction) : action;
}

/** A copy of `value` safe to store in the audit log. `name` is the property it was found under. */
export function redact(value: unknown, name = '', depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (SECRET_NAME.test(name)) return REDACTED;
  if (typeof value === 'string') {
    const cut = value.replace(URL_USERINFO, `$1${REDACTED}@`);
    return cut.length > MAX_STRING ? `${cut.slice(0, MAX_STRING)}…` : cut;
  }
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redact(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  // Custom headers carry receivers' API keys and tokens under any name: keep only the names.
  const allValuesSecret = name.toLowerCase() === 'headers';
  const auth = name === 'auth';
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = allValuesSecret || (auth && AUTH_CREDENTIALS.has(k)) ? REDACTED : redact(v, k, depth + 1);
  }
  return out;
}

export interface AuditInput {
  actor: string;
  action: AuditAction;
  resourceId: string | null;
  /** The fields sent; redacted here. */
  changes?: Record<string, unknown> | null;
  ip?: string | null;
}

/** A complete, redacted audit entry, ready for Store.appendAudit. */
export function auditEntry(input: AuditInput, now: number): AuditEntry {
  const changes = input.changes ? (redact(input.changes) as Record<string, unknown>) : null;
  const action = refineAction(input.action, input.changes ?? null);
  return {
    id: newId('aud', now),
    createdAt: now,
    actor: input.actor,
    action,
    resourceType: resourceTypeOf(action),
    resourceId: input.resourceId,
    changes: changes && Object.keys(changes).length > 0 ? changes : null,
    ip: input.ip ?? null,
  };
}
