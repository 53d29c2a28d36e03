/**
 * Organizer course: the States are seeded from the country dataset; organizers list delegations and
 * add organizations (UN entities, international and regional organizations, civil society, private
 * sector) as they register.
 */
import type { DelegationCategory, NewOrganization } from '#domain/delegations.ts';
import { ConflictError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import type { DelegationRepository } from '#ports/repositories.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface DelegationDeps extends AuditDeps {
  delegations: DelegationRepository;
}

export async function listDelegations(
  deps: DelegationDeps,
  identity: Identity,
  category?: DelegationCategory,
) {
  requireOrganizer(identity);
  const items = await deps.delegations.list(category);
  return { count: items.length, items };
}

export async function addOrganization(deps: DelegationDeps, identity: Identity, input: NewOrganization) {
  requireOrganizer(identity);
  const delegation = { ...input, regionalGroup: null };
  if (!(await deps.delegations.create(delegation))) {
    throw new ConflictError('DELEGATION_EXISTS', `A delegation with code ${input.code} already exists.`);
  }
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'delegation.create',
    outcome: 'succeeded',
    delegationCode: input.code,
    details: { category: input.category },
  });
  return delegation;
}
