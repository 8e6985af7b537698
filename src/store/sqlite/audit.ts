// The audit log: append-only, listed newest first.
import { auditConditions } from '../filters.js';
import type { AuditStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { jsonOrNull, newestFirst, toAuditEntry } from './rows.js';

export function auditStore(db: SqliteConnection): AuditStore {
  return {
    async appendAudit(e) {
      db.run(
        `INSERT INTO audit_log (id, created_at, actor, action, resource_type, resource_id, changes, ip)
         VALUES (@id, @createdAt, @actor, @action, @resourceType, @resourceId, @changes, @ip)`,
        { ...e, changes: jsonOrNull(e.changes) },
      );
      return e;
    },

    async listAudit(f) {
      return newestFirst(db, 'audit_log', auditConditions(f), f.limit, toAuditEntry);
    },
  };
}
