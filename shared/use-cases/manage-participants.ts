/**
 * Organizer course: read, list, update and revoke participants. Updates keep the email unique (the
 * identity link); revocation takes effect at once — the seat is released and every attendee deleted,
 * so a JoinToken already handed out stops working.
 */
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import {
  type Participant,
  type ParticipantRole,
  type ParticipantUpdate,
  toParticipantView,
} from '#domain/participants.ts';
import type { SeatRepository } from '#ports/repositories.ts';
import { type AttendeeLifecycleDeps, syncParticipantCredentials } from './attendee-lifecycle.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface ManageParticipantsDeps extends AuditDeps, AttendeeLifecycleDeps {
  seats: SeatRepository;
}

export async function getParticipant(
  deps: Pick<ManageParticipantsDeps, 'participants'>,
  identity: Identity,
  id: string,
) {
  requireOrganizer(identity);
  return toParticipantView(await mustFind(deps, id));
}

export async function listParticipants(
  deps: Pick<ManageParticipantsDeps, 'participants'>,
  identity: Identity,
  query: {
    delegation?: string;
    role?: ParticipantRole;
    revoked?: boolean;
    q?: string;
    limit: number;
    cursor?: string;
  },
) {
  requireOrganizer(identity);
  const page = await deps.participants.list({
    limit: query.limit,
    ...(query.delegation ? { delegationCode: query.delegation } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    filter: {
      ...(query.role ? { role: query.role } : {}),
      ...(query.revoked !== undefined ? { revoked: query.revoked } : {}),
      ...(query.q ? { text: query.q } : {}),
    },
  });
  return { items: page.items.map(toParticipantView), nextCursor: page.nextCursor };
}

export async function updateParticipant(
  deps: ManageParticipantsDeps,
  identity: Identity,
  id: string,
  update: ParticipantUpdate,
) {
  requireOrganizer(identity);
  const current = await mustFind(deps, id);
  if (update.delegation && update.delegation !== current.delegationCode) {
    if (!(await deps.delegations.get(update.delegation))) {
      throw new ValidationError(`Unknown delegation ${update.delegation}.`, { field: 'delegation' });
    }
    if (current.inPersonSeat !== null) {
      throw new ConflictError(
        'SEAT_TAKEN',
        `This participant holds the in-person seat of ${current.inPersonSeat}; release it before moving them.`,
      );
    }
  }
  if (update.email && update.email !== current.email) {
    const other = await deps.participants.findByEmail(update.email);
    if (other)
      throw new ConflictError('EMAIL_IN_USE', `Another participant is registered with ${update.email}.`);
  }
  const next: Participant = {
    ...current,
    name: update.name ?? current.name,
    email: update.email ?? current.email,
    delegationCode: update.delegation ?? current.delegationCode,
    role: update.role ?? current.role,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.participants.update(next, current.email);
  // A new role or delegation changes what their live attendees may do, or whether they may live at all.
  const credentials = await syncParticipantCredentials(deps, id);
  await deps.participantChanged?.(id);
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'participant.update',
    outcome: 'succeeded',
    participantId: id,
    delegationCode: next.delegationCode,
    details: { fields: Object.keys(update), credentials },
  });
  return { ...toParticipantView(next), credentials };
}

export async function revokeParticipant(deps: ManageParticipantsDeps, identity: Identity, id: string) {
  requireOrganizer(identity);
  const current = await mustFind(deps, id);
  const now = deps.clock.now();
  if (current.inPersonSeat !== null) await deps.seats.release(current.inPersonSeat, now);
  const revoked: Participant = {
    ...current,
    revoked: true,
    inPersonSeat: null,
    updatedAt: now.toISOString(),
  };
  await deps.participants.update(revoked, current.email);
  const credentials = await syncParticipantCredentials(deps, id);
  await deps.participantChanged?.(id);
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'participant.revoke',
    outcome: 'succeeded',
    participantId: id,
    delegationCode: current.delegationCode,
    details: { credentials, seatReleased: current.inPersonSeat },
  });
  return { ...toParticipantView(revoked), credentials };
}

async function mustFind(
  deps: Pick<ManageParticipantsDeps, 'participants'>,
  id: string,
): Promise<Participant> {
  const participant = await deps.participants.get(id);
  if (!participant) throw new NotFoundError('UNKNOWN_PARTICIPANT', `There is no participant ${id}.`);
  return participant;
}
