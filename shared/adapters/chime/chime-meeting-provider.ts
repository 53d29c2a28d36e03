import {
  BatchCreateAttendeeCommand,
  BatchUpdateAttendeeCapabilitiesExceptCommand,
  ChimeSDKMeetingsClient,
  type ChimeSDKMeetingsClientConfig,
  CreateAttendeeCommand,
  CreateMeetingCommand,
  DeleteAttendeeCommand,
  DeleteMeetingCommand,
  GetMeetingCommand,
  ListAttendeesCommand,
  UpdateAttendeeCapabilitiesCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import { MeetingUnavailableError } from '#domain/errors.ts';
import type { AttendeeCapabilities } from '#domain/policy.ts';
import {
  type ChimeAttendee,
  type ChimeMeeting,
  MeetingFullError,
  MeetingGoneError,
  type MeetingProvider,
  type RateLimiter,
} from '#ports/meetings.ts';

export interface ChimeProviderOptions {
  client: ChimeSDKMeetingsClient;
  mediaRegion: string;
  /** How long one call may keep retrying throttles and outages: within the function's own timeout. */
  retryBudgetMs?: number;
  /** Told of each throttle (for a metric); never of a token. */
  onThrottle?: (operation: string) => void;
  /** Paces every call under the account's rate, across instances (none: retries alone). */
  limiter?: RateLimiter;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Epoch ms, for the retry budget (injectable with `sleep` for tests). */
  now?: () => number;
}

/** The SDK client with its own retries off: this adapter retries, honouring Retry-After, in one place. */
export function createChimeClient(config: ChimeSDKMeetingsClientConfig = {}): ChimeSDKMeetingsClient {
  return new ChimeSDKMeetingsClient({ maxAttempts: 1, ...config });
}

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/**
 * MeetingProvider on the real `@aws-sdk/client-chime-sdk-meetings` client. In production it talks to
 * Chime; locally the same code talks to the emulator through an endpoint override.
 */
export function createChimeMeetingProvider(options: ChimeProviderOptions): MeetingProvider {
  const { client, mediaRegion } = options;
  const budget = options.retryBudgetMs ?? 8_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  /** Retries 429 and 5xx with full-jitter backoff, never sooner than Retry-After, within the budget. */
  async function call<T>(operation: string, run: () => Promise<T>, callerDeadline?: number): Promise<T> {
    const deadline = Math.min(now() + budget, callerDeadline ?? Number.POSITIVE_INFINITY);
    for (let attempt = 0; ; attempt++) {
      try {
        await options.limiter?.take(operation, callerDeadline);
        return await run();
      } catch (error) {
        if (!isRetryable(error)) throw error;
        if (isThrottle(error)) options.onThrottle?.(operation);
        const backoff = random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
        const delay = Math.max(backoff, retryAfterMs(error));
        if (now() + delay > deadline) throw new MeetingUnavailableError();
        await sleep(delay);
      }
    }
  }

  return {
    async createMeeting({ clientRequestToken, externalMeetingId, primaryMeetingId }) {
      const out = await call('CreateMeeting', () =>
        client.send(
          new CreateMeetingCommand({
            ClientRequestToken: clientRequestToken,
            ExternalMeetingId: externalMeetingId,
            MediaRegion: mediaRegion,
            ...(primaryMeetingId ? { PrimaryMeetingId: primaryMeetingId } : {}),
          }),
        ),
      );
      return out.Meeting as ChimeMeeting;
    },
    async getMeeting(meetingId) {
      try {
        const out = await call('GetMeeting', () =>
          client.send(new GetMeetingCommand({ MeetingId: meetingId })),
        );
        return (out.Meeting as ChimeMeeting | undefined) ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async createAttendee(meetingId, externalUserId, capabilities, callOptions = {}) {
      try {
        const out = await call(
          'CreateAttendee',
          () =>
            client.send(
              new CreateAttendeeCommand({
                MeetingId: meetingId,
                ExternalUserId: externalUserId,
                Capabilities: capabilities,
              }),
            ),
          callOptions.deadline,
        );
        return out.Attendee as ChimeAttendee;
      } catch (error) {
        if (isNotFound(error)) throw new MeetingGoneError(meetingId);
        if ((error as Error)?.name === 'LimitExceededException') throw new MeetingFullError(meetingId);
        throw error;
      }
    },
    async batchCreateAttendees(meetingId, requests) {
      try {
        const out = await call('BatchCreateAttendee', () =>
          client.send(
            new BatchCreateAttendeeCommand({
              MeetingId: meetingId,
              Attendees: requests.map((r) => ({
                ExternalUserId: r.externalUserId,
                Capabilities: r.capabilities,
              })),
            }),
          ),
        );
        return {
          attendees: (out.Attendees ?? []) as ChimeAttendee[],
          errors: (out.Errors ?? []).map((e) => ({
            externalUserId: e.ExternalUserId ?? '',
            code: e.ErrorCode ?? 'Unknown',
            message: e.ErrorMessage ?? '',
          })),
        };
      } catch (error) {
        if (isNotFound(error)) throw new MeetingGoneError(meetingId);
        throw error;
      }
    },
    async updateAttendeeCapabilities(meetingId, attendeeId, capabilities: AttendeeCapabilities) {
      await call('UpdateAttendeeCapabilities', () =>
        client.send(
          new UpdateAttendeeCapabilitiesCommand({
            MeetingId: meetingId,
            AttendeeId: attendeeId,
            Capabilities: capabilities,
          }),
        ),
      );
    },
    async batchUpdateCapabilitiesExcept(meetingId, excludedAttendeeIds, capabilities) {
      await call('BatchUpdateAttendeeCapabilitiesExcept', () =>
        client.send(
          new BatchUpdateAttendeeCapabilitiesExceptCommand({
            MeetingId: meetingId,
            ExcludedAttendeeIds: excludedAttendeeIds.map((AttendeeId) => ({ AttendeeId })),
            Capabilities: capabilities,
          }),
        ),
      );
    },
    async listAttendees(meetingId) {
      const out: ChimeAttendee[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await call('ListAttendees', () =>
            client.send(
              new ListAttendeesCommand({
                MeetingId: meetingId,
                MaxResults: 100,
                ...(token ? { NextToken: token } : {}),
              }),
            ),
          );
          out.push(...((page.Attendees ?? []) as ChimeAttendee[]));
          token = page.NextToken;
        } while (token);
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      return out;
    },
    async deleteAttendee(meetingId, attendeeId) {
      try {
        await call('DeleteAttendee', () =>
          client.send(new DeleteAttendeeCommand({ MeetingId: meetingId, AttendeeId: attendeeId })),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async deleteMeeting(meetingId) {
      try {
        await call('DeleteMeeting', () => client.send(new DeleteMeetingCommand({ MeetingId: meetingId })));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}

type SdkError = Error & {
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  RetryAfterSeconds?: string;
};

const statusOf = (error: unknown): number | undefined => (error as SdkError)?.$metadata?.httpStatusCode;

function isThrottle(error: unknown): boolean {
  const name = (error as Error)?.name;
  return statusOf(error) === 429 || name === 'ThrottlingException' || name === 'ThrottledClientException';
}

function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return (
    isThrottle(error) ||
    status === 503 ||
    status === 500 ||
    (error as Error)?.name === 'ServiceUnavailableException'
  );
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 || (error as Error)?.name === 'NotFoundException';
}

function retryAfterMs(error: unknown): number {
  const e = error as SdkError;
  const raw =
    e.RetryAfterSeconds ?? e.$response?.headers?.['retry-after'] ?? e.$response?.headers?.['Retry-After'];
  const seconds = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_DELAY_MS * 2) : 0;
}
