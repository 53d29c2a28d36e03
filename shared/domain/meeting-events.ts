import { z } from 'zod';

/**
 * The `aws.chime` "Chime Meeting State Change" event as EventBridge delivers it (the envelope with
 * `detail`), per https://docs.aws.amazon.com/chime-sdk/latest/dg/using-events.html. Fields we do not
 * use are allowed through; the ones we use are checked.
 */
export const attendanceEventTypes = [
  'chime:MeetingStarted',
  'chime:MeetingEnded',
  'chime:AttendeeJoined',
  'chime:AttendeeLeft',
  'chime:AttendeeDropped',
] as const;

const detailSchema = z.looseObject({
  version: z.string().optional(),
  eventType: z.string().startsWith('chime:'),
  timestamp: z.number().int().positive(),
  meetingId: z.string().min(2).max(64),
  externalMeetingId: z.string().optional(),
  mediaRegion: z.string().optional(),
  attendeeId: z.string().min(2).max(64).optional(),
  externalUserId: z.string().min(2).max(64).optional(),
  networkType: z.string().optional(),
});

export const chimeEventEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal('Chime Meeting State Change'),
  source: z.literal('aws.chime'),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  detail: detailSchema,
});
export type ChimeEventEnvelope = z.infer<typeof chimeEventEnvelopeSchema>;
