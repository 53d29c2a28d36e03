/**
 * An in-memory meeting provider for fast use-case tests, with the switches the faults need: a meeting
 * gone (ended by Chime), a meeting full (its 250 records), and throttling (the call fails as the real
 * adapter does once its retry budget is spent). It keeps Chime's rules that placement relies on:
 * records count until deleted, a deleted attendee's token is dead, ending a primary ends its replicas.
 * The local Chime emulator, through the real SDK client, remains the truth for integration tests.
 */
import { MeetingUnavailableError } from '#domain/errors.ts';
import {
  type ChimeAttendee,
  type ChimeMeeting,
  MeetingFullError,
  MeetingGoneError,
  type MeetingProvider,
} from '#ports/meetings.ts';

interface MemoryMeeting {
  meeting: ChimeMeeting;
  primaryId?: string;
  attendees: Map<string, ChimeAttendee>;
}

export interface MemoryMeetingProvider extends MeetingProvider {
  /** Live attendee records of a meeting (0 when it is gone). */
  records(meetingId: string): number;
  /** Whether this attendee's JoinToken would still let a client in. */
  works(meetingId: string, attendeeId: string): boolean;
  /** Ends a meeting as Chime does after five minutes empty (its replicas with it). */
  end(meetingId: string): void;
  /** The next `count` calls of `operation` (or '*') fail as throttled past the retry budget. */
  throttle(operation: string, count: number): void;
  /** Chime's per-meeting record limit (250). */
  maxRecords: number;
  calls: Record<string, number>;
}

export function createMemoryMeetingProvider(options: { maxRecords?: number } = {}): MemoryMeetingProvider {
  const meetings = new Map<string, MemoryMeeting>();
  const byToken = new Map<string, string>();
  const throttles = new Map<string, number>();
  const calls: Record<string, number> = {};
  let seq = 0;
  const id = (prefix: string) => `${prefix}-${(++seq).toString(36).padStart(6, '0')}`;
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const enter = async (operation: string) => {
    calls[operation] = (calls[operation] ?? 0) + 1;
    await tick();
    for (const key of [operation, '*']) {
      const left = throttles.get(key) ?? 0;
      if (left > 0) {
        throttles.set(key, left - 1);
        throw new MeetingUnavailableError();
      }
    }
  };
  const live = (meetingId: string) => {
    const m = meetings.get(meetingId);
    if (!m) throw new MeetingGoneError(meetingId);
    return m;
  };
  const provider: MemoryMeetingProvider = {
    maxRecords: options.maxRecords ?? 250,
    calls,
    async createMeeting({ clientRequestToken, externalMeetingId, primaryMeetingId }) {
      await enter('CreateMeeting');
      const existing = byToken.get(clientRequestToken);
      if (existing && meetings.has(existing)) return structuredClone(live(existing).meeting);
      const meetingId = id('meeting');
      const meeting: ChimeMeeting = {
        MeetingId: meetingId,
        ExternalMeetingId: externalMeetingId,
        ...(primaryMeetingId ? { PrimaryMeetingId: primaryMeetingId } : {}),
      };
      meetings.set(meetingId, {
        meeting,
        attendees: new Map(),
        ...(primaryMeetingId ? { primaryId: primaryMeetingId } : {}),
      });
      byToken.set(clientRequestToken, meetingId);
      return structuredClone(meeting);
    },
    async getMeeting(meetingId) {
      await enter('GetMeeting');
      return meetings.has(meetingId) ? structuredClone(live(meetingId).meeting) : null;
    },
    async createAttendee(meetingId, externalUserId, capabilities, callOptions = {}) {
      await enter('CreateAttendee');
      if (callOptions.deadline !== undefined && Date.now() >= callOptions.deadline) {
        throw new MeetingUnavailableError();
      }
      const m = live(meetingId);
      const same = [...m.attendees.values()].find((a) => a.ExternalUserId === externalUserId);
      if (same) return structuredClone(same);
      if (m.attendees.size >= provider.maxRecords) throw new MeetingFullError(meetingId);
      const attendee: ChimeAttendee = {
        AttendeeId: id('attendee'),
        ExternalUserId: externalUserId,
        JoinToken: id('token'),
        Capabilities: structuredClone(capabilities),
      };
      m.attendees.set(attendee.AttendeeId, attendee);
      return structuredClone(attendee);
    },
    async batchCreateAttendees(meetingId, requests) {
      await enter('BatchCreateAttendee');
      const m = live(meetingId);
      const out: ChimeAttendee[] = [];
      const errors: { externalUserId: string; code: string; message: string }[] = [];
      for (const r of requests) {
        if (m.attendees.size >= provider.maxRecords) {
          errors.push({ externalUserId: r.externalUserId, code: 'LimitExceeded', message: 'meeting full' });
          continue;
        }
        const attendee: ChimeAttendee = {
          AttendeeId: id('attendee'),
          ExternalUserId: r.externalUserId,
          JoinToken: id('token'),
          Capabilities: structuredClone(r.capabilities),
        };
        m.attendees.set(attendee.AttendeeId, attendee);
        out.push(structuredClone(attendee));
      }
      return { attendees: out, errors };
    },
    async updateAttendeeCapabilities(meetingId, attendeeId, capabilities) {
      await enter('UpdateAttendeeCapabilities');
      const a = live(meetingId).attendees.get(attendeeId);
      if (!a) throw Object.assign(new Error('attendee not found'), { name: 'NotFoundException' });
      a.Capabilities = structuredClone(capabilities);
    },
    async batchUpdateCapabilitiesExcept(meetingId, excludedAttendeeIds, capabilities) {
      await enter('BatchUpdateAttendeeCapabilitiesExcept');
      const excluded = new Set(excludedAttendeeIds);
      for (const a of live(meetingId).attendees.values()) {
        if (!excluded.has(a.AttendeeId)) a.Capabilities = structuredClone(capabilities);
      }
    },
    async listAttendees(meetingId) {
      await enter('ListAttendees');
      return meetings.has(meetingId)
        ? [...live(meetingId).attendees.values()].map((a) => structuredClone(a))
        : [];
    },
    async deleteAttendee(meetingId, attendeeId) {
      await enter('DeleteAttendee');
      meetings.get(meetingId)?.attendees.delete(attendeeId);
    },
    async deleteMeeting(meetingId) {
      await enter('DeleteMeeting');
      provider.end(meetingId);
    },
    records: (meetingId) => meetings.get(meetingId)?.attendees.size ?? 0,
    works: (meetingId, attendeeId) => !!meetings.get(meetingId)?.attendees.has(attendeeId),
    end(meetingId) {
      for (const [replicaId, m] of meetings) if (m.primaryId === meetingId) meetings.delete(replicaId);
      meetings.delete(meetingId);
    },
    throttle(operation, count) {
      throttles.set(operation, (throttles.get(operation) ?? 0) + count);
    },
  };
  return provider;
}
