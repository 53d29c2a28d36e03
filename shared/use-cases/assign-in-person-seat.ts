/**
 * Primary course: an organizer names the one delegate of a Member or Observer State who sits in the
 * room. The seat is claimed atomically (one holder per State, however many claims race); the holder's
 * online credentials are deleted, since they are in the room. Releasing the seat frees it for a
 * hand-over; the released holder may then join online again.
 */
import { isState } from '#domain/delegations.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import type { SeatRepository } from '#ports/repositories.ts';
import { type AttendeeLifecycleDeps, syncParticipantCredentials } from './attendee-lifecycle.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface SeatDeps extends AuditDeps, AttendeeLifecycleDeps {
  seats: SeatRepository;
}

export async function assignInPersonSeat(
  deps: SeatDeps,
  identity: Identity,
  code: string,
  participantId: string,
) {
  requireOrganizer(identity);
  const [delegation, participant, programme] = await Promise.all([
    deps.delegations.get(code),
    deps.participants.get(participantId),
    deps.programme.get(),
  ]);
  if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', `There is no delegation ${code}.`);
  const eligible = programme?.inPerson.eligibleCategories ?? ['MemberState', 'ObserverState'];
  if (!isState(delegation.category) || !eligible.includes(delegation.category as 'MemberState')) {
    throw new ConflictError(
      'SEAT_NOT_AVAILABLE',
      `In-person seats are for ${eligible.join(' and ')} delegations; ${delegation.name} takes part online.`,
    );
  }
  if (!participant)
    throw new NotFoundError('UNKNOWN_PARTICIPANT', `There is no participant ${participantId}.`);
  if (participant.delegationCode !== code) {
    throw new ValidationError(`${participant.name} belongs to ${participant.delegationCode}, not ${code}.`, {
      field: 'participantId',
    });
  }
  if (participant.revoked) {
    throw new ConflictError('SEAT_NOT_AVAILABLE', `${participant.name}'s registration is revoked.`);
  }

  const result = await deps.seats.claim(code, participantId, deps.clock.now());
  const actor = `organizer:${identity.email}`;
  if (!result.ok) {
    await recordAudit(deps, {
      actor,
      action: 'seat.assign',
      outcome: 'denied',
      code: 'SEAT_TAKEN',
      delegationCode: code,
      participantId,
      details: { holderId: result.holderId },
    });
    throw new ConflictError(
      'SEAT_TAKEN',
      `${delegation.name}'s in-person seat is held by another delegate; release it first for a hand-over.`,
      { holderId: result.holderId },
    );
  }
  // In the room now: their online attendees are deleted (in hybrid rooms).
  const credentials = await syncParticipantCredentials(deps, participantId);
  await deps.participantChanged?.(participantId);
  await recordAudit(deps, {
    actor,
    action: 'seat.assign',
    outcome: 'succeeded',
    delegationCode: code,
    participantId,
    details: { credentials },
  });
  return {
    delegation: code,
    holder: { id: participant.id, name: participant.name },
    credentials,
  };
}

export async function releaseInPersonSeat(deps: SeatDeps, identity: Identity, code: string) {
  requireOrganizer(identity);
  const delegation = await deps.delegations.get(code);
  if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', `There is no delegation ${code}.`);
  const released = await deps.seats.release(code, deps.clock.now());
  if (released) await deps.participantChanged?.(released);
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'seat.release',
    outcome: 'succeeded',
    delegationCode: code,
    ...(released ? { participantId: released } : {}),
  });
  return { delegation: code, released: released !== null, previousHolderId: released };
}

export async function getInPersonSeat(deps: SeatDeps, identity: Identity, code: string) {
  requireOrganizer(identity);
  const delegation = await deps.delegations.get(code);
  if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', `There is no delegation ${code}.`);
  return { delegation: code, holderId: await deps.seats.holder(code) };
}
