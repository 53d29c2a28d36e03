import { describe, expect, it } from 'vitest';
import type { Identity } from '#domain/identity.ts';
import type { Timer } from '#ports/timers.ts';
import { floorTimerFired, getFloor, grantFloor, inscribeOnFloor } from '#use-cases/floor.ts';
import { issueJoinCredentials } from '#use-cases/issue-join-credentials.ts';
import { createSession } from '../fixtures/factories.ts';
import { memoryWorld } from '../fixtures/memory-world.ts';

/**
 * A cut Chime refuses (throttled past the adapter's retries): the intervention ends in the floor state
 * anyway, the microphone stays listed as uncut, a failure is counted (the alarm), and a timer retries the
 * cut until Chime takes it. On the in-memory fakes, which hold the DynamoDB adapters' contract.
 */
async function world() {
  const w = await memoryWorld({
    sessions: [
      createSession({
        speakers: ['Speaker', 'Moderator'],
        floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
        moderators: ['mod@unit.example'],
      }),
    ],
  });
  const hod = w.register('HeadOfDelegation');
  return { ...w, hod };
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
