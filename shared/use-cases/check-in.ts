/**
 * Primary course: at the door of a hybrid room, the secretariat scans the State's one in-person
 * delegate in or out. Only the current seat holder may be checked in (everyone else takes part online);
 * a check-out is accepted for anyone with a stay to close, so a hand-over can happen in any order.
 */
import { isState } from '#domain/delegations.ts';
import { ConflictError, DomainError, NotFoundError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import { joinWindowOf } from '#domain/programme.ts';
import type {
  DelegationRepository,
  LedgerRepository,
  ParticipantRepository,
  ProgrammeRepository,
} from '#ports/repositories.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface CheckInDeps extends AuditDeps {
  programme: ProgrammeRepository;
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  ledger: LedgerRepository;
}

export async function checkIn(
  deps: CheckInDeps,
  identity: Identity,
  sessionId: string,
  input: { participantId: string; direction: 'in' | 'out' },
) {
  requireOrganizer(identity);
  const [session, participant] = await Promise.all([
    deps.programme.getSession(sessionId),
    deps.participants.get(input.participantId),
  ]);
  const actor = `organizer:${identity.email}`;
  const action = input.direction === 'in' ? 'attendance.check-in' : 'attendance.check-out';
  try {
    if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${sessionId}".`);
    if (!participant)
      throw new NotFoundError('UNKNOWN_PARTICIPANT', `There is no participant ${input.participantId}.`);
    if (!session.hybrid) {
      throw new ConflictError('SEAT_NOT_AVAILABLE', `${session.title} has no in-person audience.`);
    }
    const now = deps.clock.now();
    const { opensAt, closesAt } = joinWindowOf(session);
    if (now < opensAt || now >= closesAt) {
      throw new DomainError(
        'OUTSIDE_JOIN_WINDOW',
        now < opensAt
          ? `${session.title} opens at ${opensAt.toISOString()}.`
          : `${session.title} closed at ${closesAt.toISOString()}.`,
        now < opensAt ? { opensAt: opensAt.toISOString() } : { closesAt: closesAt.toISOString() },
      );
    }
    if (input.direction === 'in') {
      const delegation = await deps.delegations.get(participant.delegationCode);
      if (
        !delegation ||
        !isState(delegation.category) ||
        participant.inPersonSeat !== participant.delegationCode
      ) {
        throw new ConflictError(
          'NOT_SEAT_HOLDER',
          `${participant.name} does not hold ${delegation?.name ?? participant.delegationCode}'s in-person seat; in-person access is one delegate per Member or Observer State, and everyone else takes part online.`,
        );
      }
    }
    await deps.ledger.append({
      type: input.direction === 'in' ? 'CheckIn' : 'CheckOut',
      at: now.getTime(),
      roomId: session.id,
      participantId: participant.id,
      source: 'door',
    });
    await recordAudit(deps, {
      actor,
      action,
      outcome: 'succeeded',
      sessionId,
      participantId: participant.id,
      delegationCode: participant.delegationCode,
    });
    return { sessionId, participantId: participant.id, direction: input.direction, at: now.toISOString() };
  } catch (error) {
    if (error instanceof DomainError) {
      await recordAudit(deps, {
        actor,
        action,
        outcome: 'denied',
        code: error.code,
        sessionId,
        participantId: input.participantId,
      });
    }
    throw error;
  }
}
