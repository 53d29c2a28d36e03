/**
 * Primary course: Chime tells us (through EventBridge and SQS) that an attendee joined, dropped or
 * left, or that a meeting started or ended. We map the meeting to one of our rooms and the attendee to
 * one of our participants through our own records, and append the event to the ledger once. An event
 * we cannot map is kept aside for the secretariat, never dropped.
 */
import type { LedgerEventType } from '#domain/attendance.ts';
import type { ChimeEventEnvelope } from '#domain/meeting-events.ts';
import { participantIdOf } from '#domain/participants.ts';
import type { Clock } from '#ports/clock.ts';
import type {
  LedgerRepository,
  MeetingDirectory,
  ParticipantRepository,
  UnmatchedEventLog,
} from '#ports/repositories.ts';

export interface RecordMeetingEventsDeps {
  ledger: LedgerRepository;
  directory: MeetingDirectory;
  participants: ParticipantRepository;
  unmatched: UnmatchedEventLog;
  clock: Clock;
  /**
   * Tells the floor that a participant's client connected or went (the speakers list shows it; a
   * holder's drop starts the grace). Idempotent: run again when a delivery is repeated.
   */
  presence?: (roomId: string, participantId: string, connected: boolean, at: string) => Promise<unknown>;
}

export type RecordOutcome = 'recorded' | 'duplicate' | 'ignored' | 'unmatched';

const recorded: Record<string, LedgerEventType> = {
  'chime:MeetingStarted': 'MeetingStarted',
  'chime:MeetingEnded': 'MeetingEnded',
  'chime:AttendeeJoined': 'Joined',
  'chime:AttendeeLeft': 'Left',
  'chime:AttendeeDropped': 'Dropped',
};

export async function recordMeetingEvent(
  deps: RecordMeetingEventsDeps,
  envelope: ChimeEventEnvelope,
): Promise<RecordOutcome> {
  const { detail } = envelope;
  const type = recorded[detail.eventType];
  // Video, content and capability events say nothing about presence.
  if (!type) return 'ignored';
  const keepAside = async (reason: string) => {
    await deps.unmatched.keep(envelope as Record<string, unknown>, reason, deps.clock.now());
    return 'unmatched' as const;
  };

  const roomId = await deps.directory.roomOf(detail.meetingId);
  if (!roomId) return keepAside('unknown meeting');

  if (type === 'MeetingStarted' || type === 'MeetingEnded') {
    const stored = await deps.ledger.append({
      type,
      at: detail.timestamp,
      roomId,
      meetingId: detail.meetingId,
      source: 'chime',
    });
    return stored ? 'recorded' : 'duplicate';
  }

  if (!detail.attendeeId || !detail.externalUserId) return keepAside('attendee event without attendee ids');
  // Our ExternalUserId is the participant's opaque id; the record must exist.
  const participant = await deps.participants.get(participantIdOf(detail.externalUserId));
  if (!participant) return keepAside('unknown attendee');
  const stored = await deps.ledger.append({
    type,
    at: detail.timestamp,
    roomId,
    meetingId: detail.meetingId,
    attendeeId: detail.attendeeId,
    participantId: participant.id,
    source: 'chime',
  });
  await deps.presence?.(roomId, participant.id, type === 'Joined', new Date(detail.timestamp).toISOString());
  return stored ? 'recorded' : 'duplicate';
}
