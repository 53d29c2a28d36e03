import {
  ChimeSDKMeetingsClient,
  CreateAttendeeCommand,
  CreateMeetingCommand,
  GetMeetingCommand,
  NotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-chime-sdk-meetings';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createChimeMeetingProvider } from '#adapters/chime/chime-meeting-provider.ts';
import { MeetingUnavailableError } from '#domain/errors.ts';
import { MeetingGoneError } from '#ports/meetings.ts';

const chime = mockClient(ChimeSDKMeetingsClient);
const throttle = (retryAfter?: string) =>
  Object.assign(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }), {
    $response: { headers: retryAfter ? { 'retry-after': retryAfter } : {} },
  });

function provider(sleeps: number[] = [], retryBudgetMs = 8_000) {
  let clock = 0;
  return createChimeMeetingProvider({
    now: () => clock,
    client: new ChimeSDKMeetingsClient({ region: 'us-east-1' }),
    mediaRegion: 'us-east-1',
    retryBudgetMs,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
}

beforeEach(() => chime.reset());

describe('Adapter: Chime meeting provider', () => {
  it('creates a meeting with the idempotency token, the external id and the configured media Region', async () => {
    chime.on(CreateMeetingCommand).resolves({ Meeting: { MeetingId: 'm-1' } });
    const meeting = await provider().createMeeting({
      clientRequestToken: 'hlc-2021_session-1_g0',
      externalMeetingId: 'hlc-2021/session-1',
    });
    expect(meeting.MeetingId).toBe('m-1');
    expect(chime.commandCalls(CreateMeetingCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: 'hlc-2021_session-1_g0',
      ExternalMeetingId: 'hlc-2021/session-1',
      MediaRegion: 'us-east-1',
    });
  });

  it('creates an attendee with the opaque id and the capabilities, nothing else', async () => {
    chime
      .on(CreateAttendeeCommand)
      .resolves({ Attendee: { AttendeeId: 'a-1', ExternalUserId: 'p_x', JoinToken: 't' } });
    const caps = { Audio: 'Receive', Video: 'Receive', Content: 'Receive' } as const;
    await provider().createAttendee('m-1', 'p_aaaaaaaaaaaaaaaaaaaa', caps);
    expect(chime.commandCalls(CreateAttendeeCommand)[0]?.args[0].input).toEqual({
      MeetingId: 'm-1',
      ExternalUserId: 'p_aaaaaaaaaaaaaaaaaaaa',
      Capabilities: caps,
    });
  });

  it('retries throttles with backoff, never sooner than Retry-After', async () => {
    chime
      .on(GetMeetingCommand)
      .rejectsOnce(throttle('1'))
      .rejectsOnce(throttle())
      .rejectsOnce(new ServiceUnavailableException({ message: 'busy', $metadata: { httpStatusCode: 503 } }))
      .resolves({ Meeting: { MeetingId: 'm-1' } });
    const sleeps: number[] = [];
    expect(await provider(sleeps).getMeeting('m-1')).toEqual({ MeetingId: 'm-1' });
    expect(sleeps).toEqual([1000, 100, 200]);
  });

  it('gives up with MeetingUnavailableError when the budget is spent', async () => {
    chime.on(CreateAttendeeCommand).rejects(throttle('2'));
    const sleeps: number[] = [];
    await expect(
      provider(sleeps, 5_000).createAttendee('m-1', 'p_x', {
        Audio: 'Receive',
        Video: 'Receive',
        Content: 'Receive',
      }),
    ).rejects.toBeInstanceOf(MeetingUnavailableError);
    expect(sleeps).toEqual([2000, 2000]);
    expect(chime.commandCalls(CreateAttendeeCommand)).toHaveLength(3);
  });

  it('maps NotFound: a gone meeting is null on read and MeetingGoneError on attendee creation', async () => {
    const notFound = new NotFoundException({ message: 'no', $metadata: { httpStatusCode: 404 } });
    chime.on(GetMeetingCommand).rejects(notFound);
    chime.on(CreateAttendeeCommand).rejects(notFound);
    expect(await provider().getMeeting('m-gone')).toBeNull();
    await expect(
      provider().createAttendee('m-gone', 'p_x', { Audio: 'Receive', Video: 'Receive', Content: 'Receive' }),
    ).rejects.toBeInstanceOf(MeetingGoneError);
    expect(chime.commandCalls(GetMeetingCommand)).toHaveLength(1);
  });

  it('does not retry a client error', async () => {
    chime
      .on(CreateMeetingCommand)
      .rejects(
        Object.assign(new Error('bad'), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } }),
      );
    await expect(
      provider().createMeeting({ clientRequestToken: 'tok', externalMeetingId: 'x/y' }),
    ).rejects.toThrow('bad');
    expect(chime.commandCalls(CreateMeetingCommand)).toHaveLength(1);
  });
});
