import { categoryLabels, type DelegationCategory } from './delegations.ts';
import type { ErrorCode } from './errors.ts';
import type { FloorMode } from './floor.ts';
import type { Participant, ParticipantRole } from './participants.ts';
import { joinWindowOf, type Session } from './programme.ts';

export type MediaCapability = 'SendReceive' | 'Send' | 'Receive' | 'None';
export interface AttendeeCapabilities {
  Audio: MediaCapability;
  Video: MediaCapability;
  Content: MediaCapability;
}

export type DenialCode = Extract<
  ErrorCode,
  'PARTICIPANT_REVOKED' | 'SESSION_RESTRICTED' | 'IN_PERSON_SEAT_HOLDER' | 'OUTSIDE_JOIN_WINDOW'
>;

export type AccessDecision =
  | {
      allowed: true;
      capabilities: AttendeeCapabilities;
      maySpeak: boolean;
      /** Seconds a Head of Delegation may speak in this room, or null for no limit. */
      interventionLimitSeconds: number | null;
      closesAt: Date;
    }
  | {
      allowed: false;
      code: DenialCode;
      message: string;
      /** When the doors open, if the only reason is that they have not yet. */
      opensAt?: Date;
      closesAt?: Date;
    };

export interface AccessRequest {
  participant: Pick<Participant, 'role' | 'revoked' | 'inPersonSeat'>;
  category: DelegationCategory;
  session: Session;
  now: Date;
}

/** Who may hold credentials for a room at all, whatever the hour: the access rule without the doors. */
export type StandingDecision =
  | { allowed: true; maySpeak: boolean; capabilities: AttendeeCapabilities }
  | { allowed: false; code: Exclude<DenialCode, 'OUTSIDE_JOIN_WINDOW'>; message: string };

/**
 * Whether a participant may hold credentials for a room, in the order a person would explain a
 * refusal: who you are (revoked), whom the room is for (audience), where you are (in the room already).
 * A change of any of these (revocation, seat, role, delegation) is applied to live attendees by this rule.
 */
export function decideStanding({
  participant,
  category,
  session,
  holdsFloor = false,
}: Omit<AccessRequest, 'now'> & { holdsFloor?: boolean }): StandingDecision {
  if (participant.revoked) {
    return {
      allowed: false,
      code: 'PARTICIPANT_REVOKED',
      message: 'Your registration has been revoked. Please contact the secretariat.',
    };
  }
  const presenter =
    !session.audience.includes(category) &&
    !!session.presenters?.categories.includes(category) &&
    session.presenters.roles.includes(participant.role);
  if (!session.audience.includes(category) && !presenter) {
    return {
      allowed: false,
      code: 'SESSION_RESTRICTED',
      message: `${session.title} is open to ${listAudience(session.audience)} only.`,
    };
  }
  if (session.hybrid && participant.inPersonSeat !== null) {
    return {
      allowed: false,
      code: 'IN_PERSON_SEAT_HOLDER',
      message:
        'You hold your delegation’s in-person seat, so you take part in the room. Ask the secretariat to release the seat to join online.',
    };
  }
  const maySpeak = presenter || session.speakers.includes(participant.role);
  return { allowed: true, maySpeak, capabilities: capabilitiesFor(participant.role, maySpeak, holdsFloor) };
}

/**
 * The access rule of the event: the standing rule above, then when (the doors). Every join, and every
 * rejoin, is decided here.
 */
export function decideAccess({
  participant,
  category,
  session,
  now,
  holdsFloor = false,
}: AccessRequest & { holdsFloor?: boolean }): AccessDecision {
  const standing = decideStanding({ participant, category, session, holdsFloor });
  if (!standing.allowed) return standing;
  const { opensAt, closesAt } = joinWindowOf(session);
  if (now < opensAt) {
    return {
      allowed: false,
      code: 'OUTSIDE_JOIN_WINDOW',
      message: `${session.title} opens for joining at ${opensAt.toISOString()}.`,
      opensAt,
      closesAt,
    };
  }
  if (now >= closesAt) {
    return {
      allowed: false,
      code: 'OUTSIDE_JOIN_WINDOW',
      message: `${session.title} closed at ${closesAt.toISOString()}.`,
      closesAt,
    };
  }
  return {
    allowed: true,
    maySpeak: standing.maySpeak,
    capabilities: standing.capabilities,
    interventionLimitSeconds: mayTakeFloor(participant, category, session)
      ? session.interventionLimitSeconds
      : null,
    closesAt,
  };
}

/** Whether the room's floor is for this participant's category and role (the rest of the rule aside). */
export const mayTakeFloor = (
  participant: Pick<Participant, 'role'>,
  category: DelegationCategory,
  session: Session,
): boolean =>
  !!session.floor?.categories.includes(category) && session.floor.roles.includes(participant.role);

export type FloorDecision =
  | { allowed: true; mode: FloorMode }
  | {
      allowed: false;
      code: 'FLOOR_NOT_ALLOWED' | 'PARTICIPANT_REVOKED' | 'SESSION_RESTRICTED';
      message: string;
    };

/**
 * Whether a participant may be on a room's speakers list, and how they would speak: online (their
 * attendee's microphone opened by the server) or in person, from the room's microphone, when they hold
 * their State's seat in a hybrid room. The doors are the caller's to check.
 */
export function decideFloor({ participant, category, session }: Omit<AccessRequest, 'now'>): FloorDecision {
  if (!session.floor) {
    return {
      allowed: false,
      code: 'FLOOR_NOT_ALLOWED',
      message: `${session.title} has no interventions from the floor.`,
    };
  }
  const standing = decideStanding({ participant, category, session });
  if (!standing.allowed && standing.code !== 'IN_PERSON_SEAT_HOLDER') {
    return { allowed: false, code: standing.code, message: standing.message };
  }
  if (!mayTakeFloor(participant, category, session)) {
    return {
      allowed: false,
      code: 'FLOOR_NOT_ALLOWED',
      message: `In ${session.title} the floor is for ${session.floor.roles.join(', ')} of ${listAudience(session.floor.categories)}.`,
    };
  }
  return { allowed: true, mode: standing.allowed ? 'online' : 'in-person' };
}

/**
 * What an attendee may send: the one rule, f(role, room, floor). Those who may speak in the room send
 * and receive audio and video, and so does whoever holds the floor; content (screen) sharing is for
 * speakers and moderators only. Content Receive needs video Receive or better, which every branch keeps.
 */
export function capabilitiesFor(
  role: ParticipantRole,
  maySpeak: boolean,
  holdsFloor = false,
): AttendeeCapabilities {
  const heard = maySpeak || holdsFloor;
  const sharesContent = maySpeak && (role === 'Speaker' || role === 'Moderator');
  return {
    Audio: heard ? 'SendReceive' : 'Receive',
    Video: heard ? 'SendReceive' : 'Receive',
    Content: sharesContent ? 'SendReceive' : 'Receive',
  };
}

export const sameCapabilities = (a: AttendeeCapabilities, b: AttendeeCapabilities) =>
  a.Audio === b.Audio && a.Video === b.Video && a.Content === b.Content;

function listAudience(audience: readonly DelegationCategory[]): string {
  const labels = audience.map((c) => categoryLabels[c]);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}
