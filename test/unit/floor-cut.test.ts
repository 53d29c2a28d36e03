import { describe, expect, it } from 'vitest';
import { createMemoryMeetingProvider } from '#adapters/memory/meetings.ts';
import {
  createMemoryAttendeeRepository,
  createMemoryAuditLog,
  createMemoryDelegationRepository,
  createMemoryFloorRepository,
  createMemoryJoinContextReader,
  createMemoryMeetingRegistry,
  createMemoryParticipantRepository,
  createMemoryPresenceRepository,
  createMemoryProgrammeRepository,
} from '#adapters/memory/repositories.ts';
import type { Identity } from '#domain/identity.ts';
import { validateProgramme } from '#domain/programme.ts';
import type { Timer } from '#ports/timers.ts';
import { type FloorDeps, floorTimerFired, getFloor, grantFloor, inscribeOnFloor } from '#use-cases/floor.ts';
import { issueJoinCredentials } from '#use-cases/issue-join-credentials.ts';
import { createParticipant, createSession } from '../fixtures/factories.ts';

/**
 * A cut Chime refuses (throttled past the adapter's retries): the intervention ends in the floor state
 * anyway, the microphone stays listed as uncut, a failure is counted (the alarm), and a timer retries the
 * cut until Chime takes it. On the in-memory fakes, which hold the DynamoDB adapters' contract.
 */
const NOW = new Date('2021-06-28T11:30:00-04:00');
let counter = 0;

async function world() {
  const elapsed = { ms: 0 };
  const participants = createMemoryParticipantRepository();
  const registry = createMemoryMeetingRegistry();
  const attendees = createMemoryAttendeeRepository(participants);
  const delegations = createMemoryDelegationRepository();
  const programme = createMemoryProgrammeRepository();
  const floors = createMemoryFloorRepository();
  const meetings = createMemoryMeetingProvider();
  await delegations.seed([{ code: 'FRA', name: 'France', category: 'MemberState', regionalGroup: 'WEOG' }]);
  await programme.save(
    validateProgramme(
      {
        event: { id: 'unit', name: 'Unit event', timeZone: 'America/New_York' },
        inPerson: { seatsPerDelegation: 1, eligibleCategories: ['MemberState', 'ObserverState'] },
        sessions: [
          createSession({
            speakers: ['Speaker', 'Moderator'],
            floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
            moderators: ['mod@unit.example'],
          }),
        ],
      },
      'unit',
    ),
  );
  const timers: Timer[] = [];
  const counted: string[] = [];
  const published: Record<string, unknown>[] = [];
  const deps: FloorDeps & { joinContext: ReturnType<typeof createMemoryJoinContextReader> } = {
    eventId: 'unit',
    maxReplicas: 4,
    clock: { now: () => new Date(NOW.getTime() + elapsed.ms) },
    ids: {
      participantId: () => `p_${(++counter).toString(36).padStart(20, '0')}`,
      placementNonce: () => (++counter).toString(36).padStart(8, '0'),
      auditId: () => (++counter).toString(36).padStart(19, '0'),
    },
    participants,
    registry,
    attendees,
    delegations,
    programme,
    meetings,
    floors,
    audit: createMemoryAuditLog(),
    presence: createMemoryPresenceRepository(),
    channel: { publish: async (_roomId, event) => void published.push(event) },
    timers: { schedule: async (t) => void timers.push(t) },
    count: (metric) => void counted.push(metric),
    joinContext: createMemoryJoinContextReader({ participants, registry, attendees, floors }),
  };
  const hod = createParticipant({
    id: 'p_00000000000000000001',
    email: 'hod@unit.example',
    role: 'HeadOfDelegation',
  });
  participants.put(hod);
  return { deps, elapsed, timers, counted, published, meetings, hod };
}

const moderator: Identity = { subject: 'm', email: 'mod@unit.example', isOrganizer: false };

describe('a cut Chime refuses', () => {
  it('ends the intervention, shows the microphone as uncut, counts it, and retries until Chime takes it', async () => {
    const w = await world();
    const me: Identity = { subject: w.hod.id, email: w.hod.email, isOrganizer: false };
    const joined = await issueJoinCredentials(w.deps, me, 'session-1');
    expect(joined.capabilities.Audio).toBe('Receive');
    await inscribeOnFloor(w.deps, me, 'session-1', {});
    await grantFloor(w.deps, moderator, 'session-1', null);
    const live = async () =>
      (await w.meetings.listAttendees(joined.meeting.MeetingId)).find(
        (a) => a.AttendeeId === joined.attendee.AttendeeId,
      )?.Capabilities?.Audio;
    expect(await live()).toBe('SendReceive');

    // The deadline comes; Chime refuses every capability update for a while.
    w.meetings.throttle('UpdateAttendeeCapabilities', 3);
    w.elapsed.ms = 180_000;
    const deadline = w.timers.find((t) => t.kind === 'floor.deadline') as Extract<
      Timer,
      { requestId: string }
    >;
    await floorTimerFired(w.deps, deadline);
    const view = await getFloor(w.deps, moderator, 'session-1');
    expect(view.holder).toBeNull();
    expect(view.uncut).toHaveLength(1);
    expect(w.counted).toContain('FloorCutFailed');
    expect(await live()).toBe('SendReceive');

    // The retry timer fires once Chime answers again: the microphone closes, nothing is left uncut.
    const retry = w.timers.find((t) => t.kind === 'floor.cut') as Extract<Timer, { requestId: string }>;
    expect(retry).toBeDefined();
    w.elapsed.ms += 2_000;
    await floorTimerFired(w.deps, retry);
    expect(await live()).toBe('Receive');
    expect((await getFloor(w.deps, moderator, 'session-1')).uncut).toEqual([]);
    expect(JSON.stringify(w.published)).not.toMatch(/JoinToken/);
  });

  it('gives a join that races a grant the capabilities of the floor as it then is (50 races)', async () => {
    for (let i = 0; i < 50; i++) {
      const w = await world();
      const me: Identity = { subject: w.hod.id, email: w.hod.email, isOrganizer: false };
      await inscribeOnFloor(w.deps, me, 'session-1', {});
      const [joined] = await Promise.all([
        issueJoinCredentials(w.deps, me, 'session-1'),
        grantFloor(w.deps, moderator, 'session-1', null),
      ]);
      const live = (await w.meetings.listAttendees(joined.meeting.MeetingId)).filter((a) =>
        a.ExternalUserId.startsWith(w.hod.id),
      );
      // Whichever came first, the one live attendee is heard: the floor is theirs.
      expect(live.map((a) => a.Capabilities?.Audio)).toEqual(['SendReceive']);
    }
  });
});
