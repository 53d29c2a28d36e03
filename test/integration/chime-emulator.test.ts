/**
 * The Chime SDK Meetings emulator (a local test double of the AWS service), driven through the real
 * `@aws-sdk/client-chime-sdk-meetings` client with an endpoint override, plus the emulator's stand-ins for
 * client media connections (connect / leave / drop). Time is an injected clock, so nothing here waits for
 * five minutes to pass.
 */
import {
  BadRequestException,
  BatchCreateAttendeeCommand,
  ChimeSDKMeetingsClient,
  CreateAttendeeCommand,
  type CreateAttendeeRequestItem,
  CreateMeetingCommand,
  type CreateMeetingCommandInput,
  DeleteAttendeeCommand,
  DeleteMeetingCommand,
  GetAttendeeCommand,
  GetMeetingCommand,
  LimitExceededException,
  ListAttendeesCommand,
  NotFoundException,
  ThrottlingException,
  UpdateAttendeeCapabilitiesCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChimeEmulator,
  type ChimeEmulatorOptions,
  type ChimeEventEnvelope,
  startChimeEmulator,
} from '../../local/chime-emulator/server.ts';

const T0 = Date.parse('2025-06-01T09:00:00Z');
const MINUTE = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const running: ChimeEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

interface SdkError extends Error {
  $metadata: { httpStatusCode?: number; attempts?: number };
  $response?: { headers: Record<string, string> };
  Code?: string;
}

/** The error a call rejects with (fails the test if it succeeds). */
async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function setup(options: ChimeEmulatorOptions = {}, maxAttempts = 1) {
  const clock = { now: T0 };
  const events: ChimeEventEnvelope[] = [];
  const emulator = await startChimeEmulator({
    now: () => clock.now,
    // The test's own clock for the rate limiter too, so that a burst is exact whatever the machine's speed.
    rateNow: () => clock.now,
    onEvent: (event) => {
      events.push(event);
    },
    ...options,
  });
  running.push(emulator);
  const chime = new ChimeSDKMeetingsClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // One attempt by default: the SDK retries 429s and LimitExceededException (it classes it as throttling).
    maxAttempts,
  });
  let tokens = 0;
  const createMeeting = async (input: Partial<CreateMeetingCommandInput> = {}) => {
    tokens += 1;
    const { Meeting } = await chime.send(
      new CreateMeetingCommand({
        ClientRequestToken: `token-${tokens}`,
        MediaRegion: 'eu-central-1',
        ExternalMeetingId: `room-${tokens}`,
        ...input,
      }),
    );
    return Meeting!;
  };
  const createAttendee = async (meetingId: string, externalUserId: string) => {
    const { Attendee } = await chime.send(
      new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: externalUserId }),
    );
    return Attendee!;
  };
  const getMeeting = (meetingId: string) => chime.send(new GetMeetingCommand({ MeetingId: meetingId }));
  const advance = (ms: number) => {
    clock.now += ms;
  };
  return { emulator, chime, events, clock, advance, createMeeting, createAttendee, getMeeting };
}

const eventTypes = (events: ChimeEventEnvelope[]) => events.map((event) => event.detail.eventType);

describe('Chime SDK Meetings emulator', () => {
  describe('meetings', () => {
    it('creates, gets and deletes a meeting with the fields the real service returns', async () => {
      // Prepare
      const { chime, createMeeting, getMeeting, events } = await setup();

      // Act
      const meeting = await createMeeting({
        ExternalMeetingId: 'hlc-2021/plenary-1',
        TenantIds: ['hlc2021'],
      });
      const fetched = await getMeeting(meeting.MeetingId!);
      await chime.send(new DeleteMeetingCommand({ MeetingId: meeting.MeetingId! }));
      const afterDelete = await rejectionOf(getMeeting(meeting.MeetingId!));
      const secondDelete = await rejectionOf(
        chime.send(new DeleteMeetingCommand({ MeetingId: meeting.MeetingId! })),
      );

      // Assess
      expect(meeting.MeetingId).toMatch(UUID);
      expect(meeting).toMatchObject({
        ExternalMeetingId: 'hlc-2021/plenary-1',
        MediaRegion: 'eu-central-1',
        TenantIds: ['hlc2021'],
        MeetingArn: `arn:aws:chime:us-east-1:111122223333:meeting/${meeting.MeetingId}`,
      });
      expect(Object.keys(meeting.MediaPlacement ?? {}).sort()).toEqual([
        'AudioFallbackUrl',
        'AudioHostUrl',
        'EventIngestionUrl',
        'ScreenDataUrl',
        'ScreenSharingUrl',
        'ScreenViewingUrl',
        'SignalingUrl',
        'TurnControlUrl',
      ]);
      expect(meeting.MediaPlacement?.SignalingUrl).toMatch(/^wss:\/\//);
      expect(meeting.MediaPlacement?.TurnControlUrl).toMatch(/^https:\/\//);
      expect(meeting.PrimaryMeetingId).toBeUndefined();
      expect(fetched.Meeting).toEqual(meeting);
      expect(afterDelete).toBeInstanceOf(NotFoundException);
      expect(afterDelete.name).toBe('NotFoundException');
      expect(afterDelete.$metadata.httpStatusCode).toBe(404);
      expect(secondDelete.name).toBe('NotFoundException');
      expect(eventTypes(events)).toEqual(['chime:MeetingEnded']);
    });

    it('answers NotFoundException for an unknown meeting and BadRequestException for a malformed id', async () => {
      const { getMeeting } = await setup();

      const unknown = await rejectionOf(getMeeting('7d3c5a8e-1f2b-4c3d-9e8f-0a1b2c3d4e5f'));
      const malformed = await rejectionOf(getMeeting('not-a-meeting-id'));

      expect(unknown.name).toBe('NotFoundException');
      expect(unknown.$metadata.httpStatusCode).toBe(404);
      expect(malformed).toBeInstanceOf(BadRequestException);
      expect(malformed.$metadata.httpStatusCode).toBe(400);
    });

    it('returns the same meeting for the same ClientRequestToken while that meeting lives', async () => {
      const { chime, createMeeting } = await setup();

      const first = await createMeeting({ ClientRequestToken: 'room-7-create' });
      const retry = await createMeeting({ ClientRequestToken: 'room-7-create' });
      const other = await createMeeting({ ClientRequestToken: 'room-8-create' });
      await chime.send(new DeleteMeetingCommand({ MeetingId: first.MeetingId! }));
      const afterEnd = await createMeeting({ ClientRequestToken: 'room-7-create' });

      expect(retry.MeetingId).toBe(first.MeetingId);
      expect(other.MeetingId).not.toBe(first.MeetingId);
      expect(afterEnd.MeetingId).not.toBe(first.MeetingId);
    });

    it('rejects CreateMeeting input that the service rejects', async () => {
      const { createMeeting } = await setup();

      const failures = await Promise.all([
        rejectionOf(createMeeting({ MediaRegion: 'mars-north-1' })),
        rejectionOf(createMeeting({ ExternalMeetingId: 'aws:reserved' })),
        rejectionOf(createMeeting({ ExternalMeetingId: 'x' })),
        rejectionOf(createMeeting({ ClientRequestToken: 'not allowed!' })),
        rejectionOf(createMeeting({ MeetingFeatures: { Video: { MaxResolution: 'FHD' } } })),
      ]);

      for (const failure of failures) {
        expect(failure.name).toBe('BadRequestException');
        expect(failure.$metadata.httpStatusCode).toBe(400);
      }
    });
  });

  describe('attendees', () => {
    it('creates attendees with an opaque JoinToken and, by default, every capability SendReceive', async () => {
      const { chime, createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting();

      const attendee = await createAttendee(meeting.MeetingId!, 'p-4f1c9a');
      const retried = await createAttendee(meeting.MeetingId!, 'p-4f1c9a');
      const fetched = await chime.send(
        new GetAttendeeCommand({ MeetingId: meeting.MeetingId!, AttendeeId: attendee.AttendeeId! }),
      );
      const listed = await chime.send(new ListAttendeesCommand({ MeetingId: meeting.MeetingId! }));

      expect(attendee.AttendeeId).toMatch(UUID);
      expect(attendee.ExternalUserId).toBe('p-4f1c9a');
      // The API reference's pattern for JoinToken, and its length bounds.
      expect(attendee.JoinToken).toMatch(/^[a-zA-Z0-9+/]+$/);
      expect(attendee.JoinToken?.length).toBeGreaterThanOrEqual(100);
      expect(attendee.JoinToken?.length).toBeLessThanOrEqual(2048);
      expect(attendee.Capabilities).toEqual({
        Audio: 'SendReceive',
        Video: 'SendReceive',
        Content: 'SendReceive',
      });
      // ExternalUserId is documented as an idempotency token: a retry gets the same record.
      expect(retried).toEqual(attendee);
      expect(fetched.Attendee).toEqual(attendee);
      expect(listed.Attendees).toEqual([attendee]);
      expect(listed.NextToken).toBeUndefined();
    });

    it('rejects invalid ExternalUserIds with BadRequestException', async () => {
      const { createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting();

      const reserved = await rejectionOf(createAttendee(meeting.MeetingId!, 'aws:x'));
      const tooShort = await rejectionOf(createAttendee(meeting.MeetingId!, 'x'));
      // Whitespace, '@' and '.' are in the documented pattern; '<' and '>' are not.
      const emailWithName = await rejectionOf(
        createAttendee(meeting.MeetingId!, 'Jane Doe <jane.doe@example.org>'),
      );
      const tooLong = await rejectionOf(createAttendee(meeting.MeetingId!, 'p'.repeat(65)));
      const spacesAllowed = await createAttendee(meeting.MeetingId!, 'Jane Doe');

      for (const failure of [reserved, tooShort, emailWithName, tooLong]) {
        expect(failure).toBeInstanceOf(BadRequestException);
        expect(failure.$metadata.httpStatusCode).toBe(400);
      }
      expect(spacesAllowed.ExternalUserId).toBe('Jane Doe');
    });

    it('refuses content capabilities without video reception, on create and on update', async () => {
      const { chime, createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting();
      const attendee = await createAttendee(meeting.MeetingId!, 'p-speaker');

      const onCreate = await rejectionOf(
        chime.send(
          new CreateAttendeeCommand({
            MeetingId: meeting.MeetingId!,
            ExternalUserId: 'p-viewer',
            Capabilities: { Audio: 'Receive', Video: 'None', Content: 'Receive' },
          }),
        ),
      );
      const onUpdate = await rejectionOf(
        chime.send(
          new UpdateAttendeeCapabilitiesCommand({
            MeetingId: meeting.MeetingId!,
            AttendeeId: attendee.AttendeeId!,
            Capabilities: { Audio: 'SendReceive', Video: 'Send', Content: 'SendReceive' },
          }),
        ),
      );
      const allowed = await chime.send(
        new UpdateAttendeeCapabilitiesCommand({
          MeetingId: meeting.MeetingId!,
          AttendeeId: attendee.AttendeeId!,
          Capabilities: { Audio: 'Receive', Video: 'Receive', Content: 'Receive' },
        }),
      );

      expect(onCreate.name).toBe('BadRequestException');
      expect(onUpdate.name).toBe('BadRequestException');
      expect(allowed.Attendee?.Capabilities).toEqual({
        Audio: 'Receive',
        Video: 'Receive',
        Content: 'Receive',
      });
    });

    it('makes JoinTokens that match the documented pattern ^[a-zA-Z0-9+/]+$ (standard base64, no padding)', async () => {
      const { chime, createMeeting } = await setup({ rateLimit: false });
      const meeting = await createMeeting();
      const { Attendees = [] } = await chime.send(
        new BatchCreateAttendeeCommand({
          MeetingId: meeting.MeetingId!,
          Attendees: Array.from({ length: 100 }, (_, i) => ({ ExternalUserId: `p-token-${i}` })),
        }),
      );
      expect(Attendees).toHaveLength(100);
      for (const attendee of Attendees) expect(attendee.JoinToken).toMatch(/^[a-zA-Z0-9+/]{2,2048}$/);
    });

    it('refuses the 251st attendee record with LimitExceededException, whether anyone is connected or not', async () => {
      const { emulator, chime, createMeeting, createAttendee } = await setup({ rateLimit: false });
      const meeting = await createMeeting();
      const batch = (from: number, count: number) =>
        chime.send(
          new BatchCreateAttendeeCommand({
            MeetingId: meeting.MeetingId!,
            Attendees: Array.from({ length: count }, (_, i) => ({ ExternalUserId: `p-${from + i}` })),
          }),
        );
      const batches = [await batch(0, 100), await batch(100, 100), await batch(200, 50)];
      const first = batches[0]?.Attendees?.[0];

      const full = await rejectionOf(createAttendee(meeting.MeetingId!, 'p-250'));
      const pages: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await chime.send(
          new ListAttendeesCommand({ MeetingId: meeting.MeetingId!, MaxResults: 100, NextToken: nextToken }),
        );
        pages.push(page.Attendees?.length ?? 0);
        nextToken = page.NextToken;
      } while (nextToken);
      await chime.send(
        new DeleteAttendeeCommand({ MeetingId: meeting.MeetingId!, AttendeeId: first?.AttendeeId }),
      );
      const afterDelete = await createAttendee(meeting.MeetingId!, 'p-250');

      expect(batches.map((result) => result.Attendees?.length)).toEqual([100, 100, 50]);
      expect(full).toBeInstanceOf(LimitExceededException);
      expect(full.name).toBe('LimitExceededException');
      expect(full.$metadata.httpStatusCode).toBe(400);
      expect(pages).toEqual([100, 100, 50]);
      expect(afterDelete.ExternalUserId).toBe('p-250');
      expect(emulator.stats().attendees).toBe(250);
    });

    it('reports per-item failures of BatchCreateAttendee in Errors[] and creates the rest', async () => {
      const { chime, createMeeting } = await setup({ maxAttendeesPerMeeting: 4 });
      const meeting = await createMeeting();
      const items: CreateAttendeeRequestItem[] = [
        { ExternalUserId: 'p-1' },
        { ExternalUserId: 'aws:p-2' },
        { ExternalUserId: 'p' },
        {
          ExternalUserId: 'p-4',
          Capabilities: { Audio: 'SendReceive', Video: 'None', Content: 'SendReceive' },
        },
        { ExternalUserId: 'p-5' },
        { ExternalUserId: 'p-6' },
        { ExternalUserId: 'p-7' },
        { ExternalUserId: 'p-8' },
      ];

      const result = await chime.send(
        new BatchCreateAttendeeCommand({ MeetingId: meeting.MeetingId!, Attendees: items }),
      );

      expect(result.Attendees?.map((attendee) => attendee.ExternalUserId)).toEqual([
        'p-1',
        'p-5',
        'p-6',
        'p-7',
      ]);
      expect(result.Errors?.map(({ ExternalUserId, ErrorCode }) => ({ ExternalUserId, ErrorCode }))).toEqual([
        { ExternalUserId: 'aws:p-2', ErrorCode: 'BadRequest' },
        { ExternalUserId: 'p', ErrorCode: 'BadRequest' },
        { ExternalUserId: 'p-4', ErrorCode: 'BadRequest' },
        { ExternalUserId: 'p-8', ErrorCode: 'ResourceLimitExceeded' },
      ]);
      for (const error of result.Errors ?? []) expect(error.ErrorMessage).toEqual(expect.any(String));
    });

    it('revokes a deleted attendee: the record is gone and its JoinToken no longer connects', async () => {
      const { emulator, chime, events, createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting();
      const attendee = await createAttendee(meeting.MeetingId!, 'p-revoked');
      emulator.connect(meeting.MeetingId!, attendee.AttendeeId!);

      await chime.send(
        new DeleteAttendeeCommand({ MeetingId: meeting.MeetingId!, AttendeeId: attendee.AttendeeId! }),
      );
      const lookup = await rejectionOf(
        chime.send(
          new GetAttendeeCommand({ MeetingId: meeting.MeetingId!, AttendeeId: attendee.AttendeeId! }),
        ),
      );

      expect(lookup.name).toBe('NotFoundException');
      expect(() => emulator.connect(meeting.MeetingId!, attendee.AttendeeId!)).toThrow(
        expect.objectContaining({ status: 410 }),
      );
      expect(eventTypes(events)).toEqual([
        'chime:AttendeeAdded',
        'chime:MeetingStarted',
        'chime:AttendeeJoined',
        'chime:AttendeeDeleted',
        'chime:AttendeeLeft',
      ]);
    });
  });

  describe('throttling', () => {
    const burst = (
      createAttendee: (meetingId: string, id: string) => Promise<unknown>,
      meetingId: string,
      n: number,
    ) => Promise.allSettled(Array.from({ length: n }, (_, i) => createAttendee(meetingId, `p-burst-${i}`)));

    it('answers 429 ThrottlingException past a burst of 20, with Retry-After, and refills over time', async () => {
      // The clock is frozen, so exactly the burst is admitted whatever the machine's speed.
      const { emulator, createMeeting, createAttendee, advance } = await setup();
      const meeting = await createMeeting();

      const results = await burst(createAttendee, meeting.MeetingId!, 25);
      const refused = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as SdkError] : [],
      );
      advance(1_000);
      const afterOneSecond = await burst(
        (meetingId, id) => createAttendee(meetingId, `${id}-later`),
        meeting.MeetingId!,
        11,
      );

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(20);
      expect(refused).toHaveLength(5);
      for (const error of refused) {
        expect(error).toBeInstanceOf(ThrottlingException);
        expect(error.name).toBe('ThrottlingException');
        expect(error.$metadata.httpStatusCode).toBe(429);
        expect(error.$response?.headers['retry-after']).toBe('1');
      }
      expect(emulator.stats().throttled.CreateAttendee).toBe(6);
      expect(afterOneSecond.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    });

    it('never throttles with rateLimit: false', async () => {
      const { emulator, createMeeting, createAttendee } = await setup({ rateLimit: false });
      const meeting = await createMeeting();

      const results = await burst(createAttendee, meeting.MeetingId!, 40);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(40);
      expect(emulator.stats().throttled).toEqual({});
      expect(emulator.stats().calls.CreateAttendee).toBe(40);
    });

    it('answers injected throttles first, per operation or for any operation, then serves calls', async () => {
      const { emulator, createMeeting, createAttendee, getMeeting } = await setup();
      const meeting = await createMeeting();

      emulator.injectThrottles('GetMeeting', 2);
      const injected = [
        await rejectionOf(getMeeting(meeting.MeetingId!)),
        await rejectionOf(getMeeting(meeting.MeetingId!)),
      ];
      const served = await getMeeting(meeting.MeetingId!);
      emulator.injectThrottles('*', 1);
      const anyOperation = await rejectionOf(createAttendee(meeting.MeetingId!, 'p-1'));
      const servedAgain = await createAttendee(meeting.MeetingId!, 'p-1');

      for (const error of [...injected, anyOperation]) {
        expect(error.name).toBe('ThrottlingException');
        expect(error.$metadata.httpStatusCode).toBe(429);
      }
      expect(served.Meeting?.MeetingId).toBe(meeting.MeetingId);
      expect(servedAgain.ExternalUserId).toBe('p-1');
      expect(emulator.stats().throttled).toEqual({ GetMeeting: 2, CreateAttendee: 1 });
      expect(emulator.stats().calls).toMatchObject({ GetMeeting: 3, CreateAttendee: 2 });
    });

    it("lets the SDK's own retry strategy ride out an injected throttle", async () => {
      const { emulator, createMeeting, getMeeting } = await setup({}, 2);
      const meeting = await createMeeting();
      emulator.injectThrottles('GetMeeting', 1);

      const result = await getMeeting(meeting.MeetingId!);

      expect(result.$metadata.attempts).toBe(2);
      expect(emulator.stats().throttled.GetMeeting).toBe(1);
    });

    it('maps injected server faults to the typed SDK exceptions', async () => {
      const { emulator, createMeeting, getMeeting } = await setup();
      const meeting = await createMeeting();
      emulator.injectFaults('GetMeeting', 1, 'ServiceUnavailableException');
      emulator.injectFaults('GetMeeting', 1, 'ForbiddenException');

      const unavailable = await rejectionOf(getMeeting(meeting.MeetingId!));
      const forbidden = await rejectionOf(getMeeting(meeting.MeetingId!));

      expect(unavailable.name).toBe('ServiceUnavailableException');
      expect(unavailable.$metadata.httpStatusCode).toBe(503);
      expect(forbidden.name).toBe('ForbiddenException');
      expect(forbidden.$metadata.httpStatusCode).toBe(403);
    });
  });

  describe('meeting end', () => {
    it('ends a meeting nobody joined once it has been empty for more than 5 minutes', async () => {
      const { events, advance, createMeeting, getMeeting } = await setup();
      const meeting = await createMeeting();

      advance(5 * MINUTE);
      const atFiveMinutes = await getMeeting(meeting.MeetingId!);
      advance(1);
      const afterwards = await rejectionOf(getMeeting(meeting.MeetingId!));

      expect(atFiveMinutes.Meeting?.MeetingId).toBe(meeting.MeetingId);
      expect(afterwards).toBeInstanceOf(NotFoundException);
      expect(events).toHaveLength(1);
      expect(events[0]?.detail).toEqual({
        version: '0',
        eventType: 'chime:MeetingEnded',
        timestamp: T0 + 5 * MINUTE + 1,
        meetingId: meeting.MeetingId,
        externalMeetingId: meeting.ExternalMeetingId,
        mediaRegion: 'eu-central-1',
      });
    });

    it('keeps a meeting while someone is connected and ends it 5 minutes after the last one leaves', async () => {
      const { emulator, events, advance, createMeeting, createAttendee, getMeeting } = await setup();
      const meeting = await createMeeting();
      const attendee = await createAttendee(meeting.MeetingId!, 'p-1');

      emulator.connect(meeting.MeetingId!, attendee.AttendeeId!);
      advance(3 * 60 * MINUTE);
      const whileConnected = await getMeeting(meeting.MeetingId!);
      emulator.leave(meeting.MeetingId!, attendee.AttendeeId!);
      advance(5 * MINUTE + 1);
      emulator.sweep();

      expect(whileConnected.Meeting?.MeetingId).toBe(meeting.MeetingId);
      expect(emulator.stats().meetings).toBe(0);
      expect(eventTypes(events).at(-1)).toBe('chime:MeetingEnded');
      expect(() => emulator.connect(meeting.MeetingId!, attendee.AttendeeId!)).toThrow(
        expect.objectContaining({ status: 410 }),
      );
    });

    it('ends a meeting 24 hours after creation even with attendees connected', async () => {
      const { emulator, advance, createMeeting, createAttendee, getMeeting } = await setup();
      const meeting = await createMeeting();
      const attendee = await createAttendee(meeting.MeetingId!, 'p-1');
      emulator.connect(meeting.MeetingId!, attendee.AttendeeId!);

      advance(24 * 60 * MINUTE);
      const ended = await rejectionOf(getMeeting(meeting.MeetingId!));

      expect(ended.name).toBe('NotFoundException');
    });
  });

  describe('events', () => {
    it('emits EventBridge envelopes for connect, drop, reconnect and leave', async () => {
      const { emulator, events, advance, createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting({ ExternalMeetingId: 'plenary-1' });
      const attendee = await createAttendee(meeting.MeetingId!, 'p-7c21');
      const [meetingId, attendeeId] = [meeting.MeetingId!, attendee.AttendeeId!];

      advance(1_000);
      emulator.connect(meetingId, attendeeId);
      advance(60_000);
      emulator.drop(meetingId, attendeeId);
      advance(5_000);
      emulator.connect(meetingId, attendeeId);
      advance(30_000);
      emulator.leave(meetingId, attendeeId);

      const meetingFields = { meetingId, externalMeetingId: 'plenary-1', mediaRegion: 'eu-central-1' };
      const attendeeFields = { ...meetingFields, attendeeId, externalUserId: 'p-7c21' };
      expect(events.map((event) => event.detail)).toEqual([
        { version: '0', eventType: 'chime:AttendeeAdded', timestamp: T0, ...attendeeFields },
        { version: '0', eventType: 'chime:MeetingStarted', timestamp: T0 + 1_000, ...meetingFields },
        {
          version: '0',
          eventType: 'chime:AttendeeJoined',
          timestamp: T0 + 1_000,
          ...attendeeFields,
          networkType: 'Voip',
        },
        {
          version: '0',
          eventType: 'chime:AttendeeDropped',
          timestamp: T0 + 61_000,
          ...attendeeFields,
          networkType: 'Voip',
        },
        {
          version: '0',
          eventType: 'chime:AttendeeJoined',
          timestamp: T0 + 66_000,
          ...attendeeFields,
          networkType: 'Voip',
        },
        {
          version: '0',
          eventType: 'chime:AttendeeLeft',
          timestamp: T0 + 96_000,
          ...attendeeFields,
          networkType: 'Voip',
        },
      ]);
      expect(events[2]).toEqual({
        version: '0',
        id: expect.stringMatching(UUID),
        'detail-type': 'Chime Meeting State Change',
        source: 'aws.chime',
        account: '111122223333',
        time: '2025-06-01T09:00:01Z',
        region: 'us-east-1',
        resources: [],
        detail: events[2]?.detail,
      });
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    });

    it('offers the same client simulation over HTTP under /_local/', async () => {
      const { emulator, events, createMeeting, createAttendee } = await setup();
      const meeting = await createMeeting();
      const attendee = await createAttendee(meeting.MeetingId!, 'p-1');
      const base = `${emulator.url}/_local/meetings/${meeting.MeetingId}/attendees`;

      const connected = await fetch(`${base}/${attendee.AttendeeId}/connect`, { method: 'POST' });
      const unknown = await fetch(`${base}/7d3c5a8e-1f2b-4c3d-9e8f-0a1b2c3d4e5f/connect`, { method: 'POST' });
      const left = await fetch(`${base}/${attendee.AttendeeId}/leave`, { method: 'POST' });
      const leftTwice = await fetch(`${base}/${attendee.AttendeeId}/leave`, { method: 'POST' });
      const stats = await fetch(`${emulator.url}/_local/stats`);

      expect([connected.status, unknown.status, left.status, leftTwice.status]).toEqual([204, 404, 204, 409]);
      expect(await stats.json()).toMatchObject({ meetings: 1, attendees: 1 });
      expect(eventTypes(events)).toEqual([
        'chime:AttendeeAdded',
        'chime:MeetingStarted',
        'chime:AttendeeJoined',
        'chime:AttendeeLeft',
      ]);
    });
  });

  describe('replicas', () => {
    it('creates replicas up to the maximum per primary, then refuses with LimitExceededException', async () => {
      const { createMeeting } = await setup();
      const primary = await createMeeting();

      const replicas = [];
      for (let i = 0; i < 4; i += 1)
        replicas.push(await createMeeting({ PrimaryMeetingId: primary.MeetingId }));
      const fifth = await rejectionOf(createMeeting({ PrimaryMeetingId: primary.MeetingId }));
      const replicaOfReplica = await rejectionOf(createMeeting({ PrimaryMeetingId: replicas[0]?.MeetingId }));
      const unknownPrimary = await rejectionOf(
        createMeeting({ PrimaryMeetingId: '7d3c5a8e-1f2b-4c3d-9e8f-0a1b2c3d4e5f' }),
      );

      for (const replica of replicas) expect(replica.PrimaryMeetingId).toBe(primary.MeetingId);
      expect(fifth).toBeInstanceOf(LimitExceededException);
      expect(fifth.$metadata.httpStatusCode).toBe(400);
      expect(replicaOfReplica.name).toBe('BadRequestException');
      expect(unknownPrimary.name).toBe('BadRequestException');
    });

    it('DeleteMeeting on the primary ends its replicas too', async () => {
      const { chime, events, createMeeting, getMeeting } = await setup();
      const primary = await createMeeting();
      const replicaA = await createMeeting({ PrimaryMeetingId: primary.MeetingId });
      const replicaB = await createMeeting({ PrimaryMeetingId: primary.MeetingId });

      await chime.send(new DeleteMeetingCommand({ MeetingId: primary.MeetingId! }));
      const lookups = await Promise.all(
        [replicaA, replicaB].map((replica) => rejectionOf(getMeeting(replica.MeetingId!))),
      );

      for (const lookup of lookups) expect(lookup.name).toBe('NotFoundException');
      expect(events.map((event) => [event.detail.eventType, event.detail.meetingId])).toEqual([
        ['chime:MeetingEnded', primary.MeetingId],
        ['chime:MeetingEnded', replicaA.MeetingId],
        ['chime:MeetingEnded', replicaB.MeetingId],
      ]);
    });

    it('keeps an empty replica while its primary lives and ends it with the primary', async () => {
      const { emulator, advance, createMeeting, createAttendee, getMeeting } = await setup();
      const primary = await createMeeting();
      const replica = await createMeeting({ PrimaryMeetingId: primary.MeetingId });
      const presenter = await createAttendee(primary.MeetingId!, 'p-presenter');
      emulator.connect(primary.MeetingId!, presenter.AttendeeId!);

      advance(30 * MINUTE);
      const replicaWhilePrimaryLives = await getMeeting(replica.MeetingId!);
      emulator.leave(primary.MeetingId!, presenter.AttendeeId!);
      advance(5 * MINUTE + 1);
      const replicaAfterPrimaryEnded = await rejectionOf(getMeeting(replica.MeetingId!));

      expect(replicaWhilePrimaryLives.Meeting?.MeetingId).toBe(replica.MeetingId);
      expect(replicaAfterPrimaryEnded.name).toBe('NotFoundException');
    });
  });
});
