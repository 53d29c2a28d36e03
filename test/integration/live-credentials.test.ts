import {
  type ChimeSDKMeetingsClient,
  GetAttendeeCommand,
  ListAttendeesCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantIdOf } from '#domain/participants.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, type Call, chimeClientFor, startTestStack } from '../support/local-stack.ts';

/**
 * Credentials die with the right to use them, even when the change races a join: after a revocation, a
 * seat assignment or a delegation change has returned, no working attendee of that person is left that
 * the new state forbids — counted on the emulator, which is what Chime would enforce.
 */
const ORG = 'organizer@example.org';
const REPETITIONS = 50;
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let chime: ChimeSDKMeetingsClient;

beforeAll(async () => {
  // No provisioning: every join places on demand, the path where the race lives.
  stack = await startTestStack({ provisioning: false });
  api = apiClient(stack);
  chime = chimeClientFor(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function importPeople(
  prefix: string,
  n: number,
  delegation: string | ((i: number) => string),
  role = 'Delegate',
) {
  const rows = Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${i}`,
    email: `${prefix}${i}@race.example`.toLowerCase(),
    delegation: typeof delegation === 'string' ? delegation : delegation(i),
    role,
  }));
  const res = await api.call('POST', '/participants/import', { as: ORG, body: rows });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const ids = new Map<string, string>(
    res.body.participants.map((p: { id: string; email: string }) => [p.email, p.id]),
  );
  return rows.map((r) => ({ email: r.email, id: ids.get(r.email) as string }));
}

/** Every attendee record of the room's live meetings, by participant id (ExternalUserId). */
async function liveAttendees(roomId: string): Promise<Map<string, string[]>> {
  const { deps } = stack;
  const slot = await deps.registry.slot(roomId);
  const out = new Map<string, string[]>();
  if (slot.state !== 'ready') return out;
  const meetings = [slot.roomMeeting.meetingId, ...slot.roomMeeting.replicas.map((r) => r.meetingId)];
  for (const meetingId of meetings) {
    let token: string | undefined;
    do {
      const page = await chime.send(new ListAttendeesCommand({ MeetingId: meetingId, NextToken: token }));
      for (const a of page.Attendees ?? []) {
        const participantId = participantIdOf(a.ExternalUserId as string);
        const list = out.get(participantId) ?? [];
        list.push(a.AttendeeId as string);
        out.set(participantId, list);
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

/** Can this JoinToken's attendee still connect? The emulator answers as Chime would. */
function stillWorks(join: Call): boolean {
  if (join.status !== 200) return false;
  try {
    stack.emulator.connect(join.body.meeting.MeetingId, join.body.attendee.AttendeeId);
    stack.emulator.leave(join.body.meeting.MeetingId, join.body.attendee.AttendeeId);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Races a join with a change, REPETITIONS times in rounds of ten, with Chime throttling CreateAttendee
 * twice per join (as in a stampede), and the change landing at a random moment of the join.
 */
async function race(
  people: { email: string; id: string }[],
  change: (person: { email: string; id: string }) => Promise<Call>,
) {
  await Promise.all(people.map((p) => api.tokenFor(p.email)));
  const results: { join: Call; change: Call }[] = [];
  for (let i = 0; i < people.length; i += 10) {
    const round = people.slice(i, i + 10);
    stack.emulator.injectThrottles('CreateAttendee', 2 * round.length);
    results.push(
      ...(await Promise.all(
        round.map(async (person) => {
          const join = api.call('POST', '/sessions/session-1/join', { as: person.email });
          await pause(Math.floor(Math.random() * 400));
          return { change: await change(person), join: await join };
        }),
      )),
    );
  }
  return results;
}

describe('Live credentials: a change racing a join leaves no working JoinToken', () => {
  it(`revocation, ${REPETITIONS} times`, async () => {
    const people = await importPeople('revoke', REPETITIONS, 'FRA');
    const results = await race(people, (p) => api.call('POST', `/participants/${p.id}/revoke`, { as: ORG }));
    expect(results.map((r) => r.change.status)).toEqual(results.map(() => 200));
    const live = await liveAttendees('session-1');
    expect(people.filter((p) => live.has(p.id))).toEqual([]);
    expect(results.filter((r) => stillWorks(r.join))).toEqual([]);
    // Each join was either refused with the new reason, or answered before the revocation.
    for (const { join } of results) expect([200, 403, 503]).toContain(join.status);
  });

  it(`seat assignment, ${REPETITIONS} times`, async () => {
    // One delegate of each of 50 Member States, given their State's seat while they join online.
    const { seedStates } = await import('#domain/states.ts');
    const states = seedStates()
      .filter((s) => s.category === 'MemberState' && !['FRA', 'BRA'].includes(s.code))
      .slice(0, REPETITIONS);
    // One import (imports run one at a time): person i of State i.
    const people = await importPeople('seat', states.length, (i) => states[i]?.code as string);
    const byId = new Map(people.map((p, i) => [p.id, states[i]?.code as string]));
    const results = await race(people, (p) =>
      api.call('PUT', `/delegations/${byId.get(p.id)}/in-person-seat`, {
        as: ORG,
        body: { participantId: p.id },
      }),
    );
    expect(results.map((r) => r.change.status)).toEqual(results.map(() => 200));
    const live = await liveAttendees('session-1');
    expect(people.filter((p) => live.has(p.id))).toEqual([]);
    expect(results.filter((r) => stillWorks(r.join))).toEqual([]);
  });

  it(`delegation change to an Observer State (Session I is for Member States), ${REPETITIONS} times`, async () => {
    const people = await importPeople('move', REPETITIONS, 'DEU');
    const results = await race(people, (p) =>
      api.call('PATCH', `/participants/${p.id}`, { as: ORG, body: { delegation: 'VAT' } }),
    );
    expect(results.map((r) => r.change.status)).toEqual(results.map(() => 200));
    const live = await liveAttendees('session-1');
    expect(people.filter((p) => live.has(p.id))).toEqual([]);
    expect(results.filter((r) => stillWorks(r.join))).toEqual([]);
  });
});

describe('Live credentials: changes follow the person', () => {
  it('turns a Moderator made Delegate receive-only on Chime, and says so', async () => {
    // Prepare: a moderator joins the opening (everyone's room), with SendReceive
    const [mod] = await importPeople('mod', 1, 'UNOCT', 'Moderator');
    const person = mod as { email: string; id: string };
    stack.clock.set(new Date('2021-06-28T10:10:00-04:00'));
    const join = await api.call('POST', '/sessions/opening/join', { as: person.email });
    expect(join.status).toBe(200);
    expect(join.body.capabilities.Audio).toBe('SendReceive');

    // Act
    const patch = await api.call('PATCH', `/participants/${person.id}`, {
      as: ORG,
      body: { role: 'Delegate' },
    });

    // Assess: Chime's own view of the attendee, and the response's account of it
    expect(patch.status).toBe(200);
    expect(patch.body.credentials).toEqual({ deleted: 0, updated: 1 });
    const seen = await chime.send(
      new GetAttendeeCommand({
        MeetingId: join.body.meeting.MeetingId,
        AttendeeId: join.body.attendee.AttendeeId,
      }),
    );
    expect(seen.Attendee?.Capabilities).toEqual({ Audio: 'Receive', Video: 'Receive', Content: 'Receive' });
    const again = await api.call('POST', '/sessions/opening/join', { as: person.email });
    expect(again.body.attendee.AttendeeId).toBe(join.body.attendee.AttendeeId);
    expect(again.body.capabilities.Audio).toBe('Receive');
  });
});

describe('Live credentials: rooms close for real', () => {
  it('ends the room’s meetings when its window closes, so every JoinToken of the room is refused', async () => {
    // Prepare: two people in the opening (10:00–11:00, no grace after the end)
    stack.clock.set(new Date('2021-06-28T10:50:00-04:00'));
    const people = await importPeople('closing', 2, 'ITA');
    const joins = await Promise.all(
      people.map((p) => api.call('POST', '/sessions/opening/join', { as: p.email })),
    );
    expect(joins.map((j) => j.status)).toEqual([200, 200]);
    expect(joins.every(stillWorks)).toBe(true);

    // Act: the local clock passes the room's end; whatever has come due runs
    const moved = await fetch(`${stack.url}/_local/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: '2021-06-28T11:00:01-04:00' }),
    });
    expect(moved.status).toBe(200);

    // Assess: Chime no longer knows the meeting; a join says the window closed
    expect(joins.filter(stillWorks)).toEqual([]);
    expect((await liveAttendees('opening')).size).toBe(0);
    const again = await api.call('POST', '/sessions/opening/join', { as: people[0]?.email as string });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('OUTSIDE_JOIN_WINDOW');
    const audit = await api.call('GET', '/audit?sessionId=opening', { as: ORG });
    expect(audit.body.items.map((r: { action: string }) => r.action)).toContain('room.close');
  });

  it('lets an organizer close a room at once, and reopen it by moving its end', async () => {
    // Prepare: a delegate in Session III (29 June, 10:00–13:00)
    stack.clock.set(new Date('2021-06-29T10:30:00-04:00'));
    const [person] = await importPeople('overrun', 1, 'ESP');
    const who = person as { email: string; id: string };
    const join = await api.call('POST', '/sessions/session-3/join', { as: who.email });
    expect(join.status).toBe(200);

    // Act 1: the secretariat closes the room now
    const closed = await api.call('POST', '/sessions/session-3/close', { as: ORG });
    expect(closed.status).toBe(200);
    expect(closed.body.meetingsEnded).toBeGreaterThanOrEqual(1);
    expect(stillWorks(join)).toBe(false);
    expect((await api.call('POST', '/sessions/session-3/join', { as: who.email })).status).toBe(403);

    // Act 2: the session overruns after all: its end moves to 13:30, the room opens again
    const moved = await api.call('PATCH', '/sessions/session-3', {
      as: ORG,
      body: { end: '2021-06-29T13:30:00-04:00' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ reopened: true, closesAt: '2021-06-29T17:30:00.000Z' });
    // Its close is on the second: a timer at the new end (the every-minute run is the backstop).
    expect(stack.timers.pending()).toContainEqual({
      kind: 'room.close',
      roomId: 'session-3',
      at: '2021-06-29T17:30:00.000Z',
    });
    const rejoin = await api.call('POST', '/sessions/session-3/join', { as: who.email });
    expect(rejoin.status).toBe(200);
    expect(rejoin.body.meeting.MeetingId).not.toBe(join.body.meeting.MeetingId);
    expect(stillWorks(rejoin)).toBe(true);

    // A participant may do neither
    expect((await api.call('POST', '/sessions/session-3/close', { as: who.email })).status).toBe(403);
    const bad = await api.call('PATCH', '/sessions/session-3', { as: ORG, body: { end: 'tomorrow' } });
    expect(bad.status).toBe(400);
  });
});
