/**
 * Amazon Chime SDK meeting lifecycle events, as the Chime SDK Meetings emulator (a local test double of the
 * AWS service) emits them: the EventBridge envelope exactly as EventBridge delivers an `aws.chime` event.
 *
 * Source: https://docs.aws.amazon.com/chime-sdk/latest/dg/using-events.html (summarised in
 * /work/shared/reference/chime-facts.md §3). Every detail carries version, eventType, timestamp (epoch ms),
 * meetingId, externalMeetingId and mediaRegion; attendee events add attendeeId and externalUserId; joined,
 * left and dropped add networkType.
 */
import { randomUUID } from 'node:crypto';

/** The event types the emulator emits (a subset of the documented `chime:*` types). */
export type ChimeMeetingEventType =
  | 'chime:MeetingStarted'
  | 'chime:MeetingEnded'
  | 'chime:AttendeeAdded'
  | 'chime:AttendeeDeleted'
  | 'chime:AttendeeJoined'
  | 'chime:AttendeeLeft'
  | 'chime:AttendeeDropped';

export interface ChimeEventDetail {
  version: '0';
  eventType: ChimeMeetingEventType;
  /** Epoch milliseconds, a number (unlike the envelope's ISO `time`). */
  timestamp: number;
  meetingId: string;
  externalMeetingId: string;
  mediaRegion: string;
  attendeeId?: string;
  externalUserId?: string;
  /** Only on AttendeeJoined, AttendeeLeft and AttendeeDropped. */
  networkType?: 'Voip';
}

export interface ChimeEventEnvelope {
  version: '0';
  id: string;
  'detail-type': 'Chime Meeting State Change';
  source: 'aws.chime';
  account: string;
  /** ISO 8601 to the second, as EventBridge writes it: `2025-01-01T00:00:00Z`. */
  time: string;
  /** The control Region (where the meeting was created), not the media Region. */
  region: string;
  /** Always empty for Chime meeting events. */
  resources: string[];
  detail: ChimeEventDetail;
}

export type ChimeEventSink = (event: ChimeEventEnvelope) => void | Promise<void>;

const CONNECTION_EVENTS: ReadonlySet<ChimeMeetingEventType> = new Set([
  'chime:AttendeeJoined',
  'chime:AttendeeLeft',
  'chime:AttendeeDropped',
]);

export interface BuildChimeEventInput {
  eventType: ChimeMeetingEventType;
  at: number;
  account: string;
  region: string;
  meeting: { meetingId: string; externalMeetingId: string; mediaRegion: string };
  attendee?: { attendeeId: string; externalUserId: string };
}

/** Builds one envelope; key order follows the documentation's examples so logged events read the same. */
export function buildChimeEvent(input: BuildChimeEventInput): ChimeEventEnvelope {
  const detail: ChimeEventDetail = {
    version: '0',
    eventType: input.eventType,
    timestamp: input.at,
    meetingId: input.meeting.meetingId,
    externalMeetingId: input.meeting.externalMeetingId,
    mediaRegion: input.meeting.mediaRegion,
  };
  if (input.attendee) {
    detail.attendeeId = input.attendee.attendeeId;
    detail.externalUserId = input.attendee.externalUserId;
  }
  if (CONNECTION_EVENTS.has(input.eventType)) detail.networkType = 'Voip';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Chime Meeting State Change',
    source: 'aws.chime',
    account: input.account,
    time: new Date(input.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: input.region,
    resources: [],
    detail,
  };
}
