/**
 * Primary course: someone asks to follow a room's floor (subscribe to `/floor/{roomId}`). Organizers
 * follow every room of the programme; the room's moderators follow their room; anyone else follows a
 * room they may join now — the join policy itself (decideAccess: standing and the join window), so the
 * channel never tells more people about a floor than the room lets in. Nothing is written.
 *
 * The decision is made once, when the subscription starts: AppSync Events does not ask again while the
 * subscription stays open (up to its connection's 24 hours), which is why the channel carries nothing
 * secret (never a JoinToken).
 */
import type { Identity } from '#domain/identity.ts';
import { decideAccess } from '#domain/policy.ts';
import type { Clock } from '#ports/clock.ts';
import type {
  DelegationRepository,
  ParticipantRepository,
  ProgrammeRepository,
} from '#ports/repositories.ts';

export interface FollowFloorDeps {
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  programme: ProgrammeRepository;
  clock: Clock;
}

export async function mayFollowFloor(
  deps: FollowFloorDeps,
  identity: Identity,
  roomId: string,
): Promise<boolean> {
  const session = await deps.programme.getSession(roomId);
  if (!session) return false;
  if (identity.isOrganizer) return true;
  // MODERATORS (the lead adds `moderators: string[]`, emails, to sessions): a room's moderators follow
  // its floor whatever their delegation and the hour, e.g.
  //   if (session.moderators.includes(identity.email)) return true;
  const participant = await deps.participants.findByEmail(identity.email);
  if (!participant) return false;
  const delegation = await deps.delegations.get(participant.delegationCode);
  if (!delegation) return false;
  return decideAccess({ participant, category: delegation.category, session, now: deps.clock.now() }).allowed;
}
