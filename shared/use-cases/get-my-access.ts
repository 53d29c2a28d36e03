/**
 * Primary course: a participant asks "which rooms can I join, and if not, why not?". We find their
 * record by the identity's email, their delegation's category, and run the same policy as a join for
 * every room of the programme, at the current time. Nothing is written.
 */
import { AccessDeniedError, NotFoundError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import { decideAccess, decideFloor } from '#domain/policy.ts';
import type { Clock } from '#ports/clock.ts';
import type {
  DelegationRepository,
  ParticipantRepository,
  ProgrammeRepository,
} from '#ports/repositories.ts';

export interface GetMyAccessDeps {
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  programme: ProgrammeRepository;
  clock: Clock;
}

export async function getMyAccess(deps: GetMyAccessDeps, identity: Identity) {
  const participant = await deps.participants.findByEmail(identity.email);
  if (!participant) throw notRegistered();
  const [delegation, programme] = await Promise.all([
    deps.delegations.get(participant.delegationCode),
    deps.programme.get(),
  ]);
  if (!delegation || !programme)
    throw new NotFoundError('UNKNOWN_DELEGATION', 'Your delegation is not on record.');
  const now = deps.clock.now();
  return {
    participant: {
      id: participant.id,
      name: participant.name,
      role: participant.role,
      revoked: participant.revoked,
      inPersonSeat: participant.inPersonSeat,
    },
    delegation: { code: delegation.code, name: delegation.name, category: delegation.category },
    event: { id: programme.event.id, name: programme.event.name, timeZone: programme.event.timeZone },
    now: now.toISOString(),
    sessions: programme.sessions.map((session) => {
      const decision = decideAccess({ participant, category: delegation.category, session, now });
      const floor = decideFloor({ participant, category: delegation.category, session });
      const room = {
        id: session.id,
        title: session.title,
        parent: session.parent,
        start: session.start,
        end: session.end,
        // Whether one may ask for the room's floor, and from where; whether one runs it.
        floor: {
          mayRequest: floor.allowed,
          ...(floor.allowed ? { mode: floor.mode } : {}),
          moderator: session.moderators.includes(participant.email),
        },
      };
      return decision.allowed
        ? {
            ...room,
            canJoin: true as const,
            maySpeak: decision.maySpeak,
            interventionLimitSeconds: decision.interventionLimitSeconds,
            closesAt: decision.closesAt.toISOString(),
          }
        : {
            ...room,
            canJoin: false as const,
            reason: { code: decision.code, message: decision.message },
            ...(decision.opensAt ? { opensAt: decision.opensAt.toISOString() } : {}),
          };
    }),
  };
}

export const notRegistered = () =>
  new AccessDeniedError(
    'NOT_REGISTERED',
    'You are signed in, but no participant is registered with your email. Please contact the secretariat.',
  );
