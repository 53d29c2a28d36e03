import type { Clock } from '#ports/clock.ts';
import type { IdGenerator } from '#ports/ids.ts';
import type { AuditLog, AuditRecord } from '#ports/repositories.ts';

export interface AuditDeps {
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

/** Appends one audit record stamped with the clock; callers give who, what and the outcome. */
export function recordAudit(deps: AuditDeps, record: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
  const now = deps.clock.now();
  return deps.audit.append({ id: deps.ids.auditId(now), at: now.toISOString(), ...record });
}
