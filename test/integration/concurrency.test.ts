import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStates } from '#domain/states.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // On-demand joins only: these races are about the join path itself (provisioning has its own tests).
  stack = await startTestStack({ provisioning: false });
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('Races: the join path and the in-person seat under concurrency', () => {
  it('ends 50 simultaneous first joins of a room in one Chime meeting, one attendee each', async () => {
    // Prepare: 50 Heads of Delegation of 50 Member States
    const states = seedStates()
      .filter((s) => s.category === 'MemberState')
      .slice(0, 50);
    const rows = states.map((s) => ({
      name: `Head of Delegation ${s.code}`,
      email: `hod.${s.code.toLowerCase()}@race.example`,
      delegation: s.code,
      role: 'HeadOfDelegation',
    }));
    expect((await api.call('POST', '/participants/import', { as: ORG, body: rows })).status).toBe(200);
    await Promise.all(rows.map((r) => api.tokenFor(r.email)));
    const createMeetingsBefore = stack.emulator.stats().calls.CreateMeeting ?? 0;

    // Act
    const results = await Promise.all(
      rows.map((r) => api.call('POST', '/sessions/session-1/join', { as: r.email })),
    );

    // Assess
    expect(results.map((r) => r.status)).toEqual(rows.map(() => 200));
    const meetingIds = new Set(results.map((r) => r.body.meeting.MeetingId));
    expect(meetingIds.size).toBe(1);
    expect((stack.emulator.stats().calls.CreateMeeting ?? 0) - createMeetingsBefore).toBe(1);
    const attendeeIds = new Set(results.map((r) => r.body.attendee.AttendeeId));
    expect(attendeeIds.size).toBe(50);
    expect(stack.emulator.stats().attendees).toBe(50);
  });

  it('gives two devices of one participant joining at once the same attendee', async () => {
    // Prepare
    await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Two Devices', email: 'two.devices@race.example', delegation: 'DEU', role: 'Delegate' }],
    });
    const before = stack.emulator.stats().attendees;

    // Act
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => api.call('POST', '/sessions/session-1/join', { as: 'two.devices@race.example' })),
    );

    // Assess
    expect(a?.body.attendee.AttendeeId).toBe(b?.body.attendee.AttendeeId);
    expect(b?.body.attendee.AttendeeId).toBe(c?.body.attendee.AttendeeId);
    expect(stack.emulator.stats().attendees - before).toBe(1);
  });

  it('leaves exactly one holder after 100 concurrent claims of one State’s seat', async () => {
    // Prepare: 100 delegates of Canada
    const rows = Array.from({ length: 100 }, (_, i) => ({
      name: `Delegate ${i} of Canada`,
      email: `delegate${i}.can@race.example`,
      delegation: 'CAN',
      role: 'Delegate',
    }));
    const imported = await api.call('POST', '/participants/import', { as: ORG, body: rows });
    const ids: string[] = imported.body.participants.map((p: { id: string }) => p.id);
    expect(ids).toHaveLength(100);

    // Act
    const claims = await Promise.all(
      ids.map((participantId) =>
        api.call('PUT', '/delegations/CAN/in-person-seat', { as: ORG, body: { participantId } }),
      ),
    );

    // Assess
    const won = claims.filter((c) => c.status === 200);
    const refused = claims.filter((c) => c.status === 409);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(99);
    expect(refused.every((c) => c.body.error.code === 'SEAT_TAKEN')).toBe(true);
    const holder = await api.call('GET', '/delegations/CAN/in-person-seat', { as: ORG });
    expect(holder.body.holderId).toBe(won[0]?.body.holder.id);
    const listed = await api.call('GET', '/participants?delegation=CAN&limit=500', { as: ORG });
    const seated = listed.body.items.filter((p: { inPersonSeat: string | null }) => p.inPersonSeat === 'CAN');
    expect(seated.map((p: { id: string }) => p.id)).toEqual([holder.body.holderId]);
  });
});
