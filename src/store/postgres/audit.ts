// The audit log: append-only, listed newest first.
import { auditConditions } from '../filters.js';
import type { AuditStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { jsonOrNull, listNewestFirst, toAuditEntry } from './rows.js';

export function auditStore(db: PostgresConnection): AuditStore {
  return {
    appendAudit(e) {
      return db.run(async () => {
        await db.sql`
          INSERT INTO audit_log (id, created_at, actor, action, resource_type, resource_id, changes, ip)
          VALUES (${e.id}, ${e.createdAt}, ${e.actor}, ${e.action}, ${e.resourceType}, ${e.resourceId}, ${jsonOrNull(e.changes)}, ${e.ip})`;
        return e;
      });
    },

    listAudit(f) {
      return db.run(() => listNewestFirst(db.sql, 'audit_log', auditConditions(f), f.limit, toAuditEntry));
    },
  };
}
