import { describe, expect, it } from 'vitest';
import { meetingLimit } from '#domain/capacity.ts';
import { DomainError } from '#domain/errors.ts';
import type { Participant } from '#domain/participants.ts';
import { syncParticipantCredentials } from '#use-cases/attendee-lifecycle.ts';
import { memoryWorld } from '../fixtures/memory-world.ts';

/**
 * The join and placement use cases on the in-memory fakes (held to the DynamoDB adapters' contract):
 * fast, so that the rules of placement can be tried many times and in every corner.
 */
const world = memoryWorld;

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
};

describe('Use case: issueJoinCredentials on the fakes', () => {
  it('puts the panel in the primary, the audience in the primary up to its reserve, then in replicas to 250', async () => {
    const w = await world();
    const audience = Array.from({ length: 300 }, () => w.register('Delegate'));
    for (const p of audience) await w.join(p);
    const late = [w.register('Speaker'), w.register('Moderator'), w.register('HeadOfDelegation')];
    const panel = await Promise.all(late.map((p) => w.join(p)));

    // The audience stopped at the primary's reserve; the late panel still found room there.
    expect(panel.map((j) => j.meetingRole)).toEqual(['primary', 'primary', 'primary']);
    const primary = panel[0]?.primaryMeetingId as string;
    expect(w.meetings.records(primary)).toBe(meetingLimit('primary', 'audience') + 3);
    const slot = await w.registry.slot('session-1');
    if (slot.state !== 'ready') throw new Error('no meeting');
    expect(slot.roomMeeting.replicas).toHaveLength(1);
    expect(w.meetings.records(slot.roomMeeting.replicas[0]?.meetingId as string)).toBe(
      300 - meetingLimit('primary', 'audience'),
    );
    // Counts are the records: nothing reserved is left over.
    for (const [meetingId, count] of Object.entries(slot.roomMeeting.counts)) {
      expect(count).toBe(w.meetings.records(meetingId));
    }
  });

  it('says which limit was hit when every meeting the account allows is full', async () => {
    const w = await world({ maxReplicas: 1, maxRecords: 12 });
    // Small meetings here: Chime says full at 12 records, before our limits (240, 250) — each meeting
    // is then marked full (its count set, not added to), and the next one is used.
    const people = Array.from({ length: 24 }, () => w.register('Delegate'));
    const codes = [];
    for (const p of people) codes.push(await codeOf(w.join(p)));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(24);
    const refused = w.join(w.register('Delegate'));
    await expect(refused).rejects.toMatchObject({ code: 'ROOM_FULL', details: { limit: 'replicas' } });
  });

  it('answers 503 when Chime stays throttled, creates nothing and audits nothing as allowed', async () => {
    const w = await world();
    const p = w.register('Delegate');
    w.meetings.throttle('CreateAttendee', 1);
    expect(await codeOf(w.join(p))).toBe('MEETING_UNAVAILABLE');
    expect(w.audit.records.filter((r) => r.outcome === 'allowed')).toEqual([]);
    expect(w.audit.records.at(-1)).toMatchObject({ outcome: 'failed', code: 'MEETING_UNAVAILABLE' });
    const slot = await w.registry.slot('session-1');
    if (slot.state !== 'ready') throw new Error('no meeting');
    expect(Object.values(slot.roomMeeting.counts)).toEqual([0]);
    // Once Chime answers again, the same person joins.
    expect(await codeOf(w.join(p))).toBe('OK');
  });

  it('replaces a meeting that Chime ended, and gives the same attendee to three devices at once', async () => {
    const w = await world();
    const p = w.register('Delegate');
    const first = await w.join(p);
    w.meetings.end(first.meeting.MeetingId);
    // A stored meeting is trusted for 30 s after it was last seen alive; then one check finds it gone.
    w.elapsed.ms += 60_000;
    const again = await w.join(p);
    expect(again.meeting.MeetingId).not.toBe(first.meeting.MeetingId);
    // Someone else joins from three devices at once: one attendee, one record (the others released).
    const q = w.register('Delegate');
    const devices = await Promise.all([w.join(q), w.join(q), w.join(q)]);
    expect(new Set(devices.map((d) => d.attendee.AttendeeId)).size).toBe(1);
    expect(w.meetings.records(again.meeting.MeetingId)).toBe(2);
  });

  it('leaves no working attendee when a revocation races a join, 200 times', async () => {
    const w = await world();
    let joinedThenRevoked = 0;
    for (let i = 0; i < 200; i++) {
      const p = w.register('Delegate');
      // The revocation lands after a random number of turns of the event loop: anywhere in the join.
      const join = w.join(p).catch(() => null);
      for (let t = 0; t < i % 17; t++) await new Promise((r) => setImmediate(r));
      const current = (await w.participants.get(p.id)) as Participant;
      await w.participants.update({ ...current, revoked: true }, current.email);
      await syncParticipantCredentials(w.deps, p.id);
      const joined = await join;
      if (joined) {
        joinedThenRevoked++;
        expect(w.meetings.works(joined.meeting.MeetingId, joined.attendee.AttendeeId)).toBe(false);
      }
      const slot = await w.registry.slot('session-1');
      if (slot.state === 'ready') {
        const live = await Promise.all(
          [slot.roomMeeting.meetingId, ...slot.roomMeeting.replicas.map((r) => r.meetingId)].map((m) =>
            w.deps.meetings.listAttendees(m),
          ),
        );
        expect(live.flat().filter((a) => a.ExternalUserId.startsWith(p.id))).toEqual([]);
      }
    }
    // Both orders happened: some joins won the race (and their attendee was deleted), some lost it.
    expect(joinedThenRevoked).toBeGreaterThan(0);
    expect(joinedThenRevoked).toBeLessThan(200);
  });

  it('refuses an Observer State the Member States’ room, whatever the placement', async () => {
    const w = await world();
    expect(await codeOf(w.join(w.register('Delegate', { delegationCode: 'VAT' })))).toBe(
      'SESSION_RESTRICTED',
    );
  });
});

describe('Use case: the rooms’ upkeep sweeps what a failed release left', () => {
  it('deletes an attendee whose release Chime throttled, once it has stayed unheld past the grace', async () => {
    const w = await world();
    const p = w.register('Delegate');
    await w.join(w.register('Delegate')); // the room's meeting exists
    // The join makes its attendee, the revocation lands, the store is refused, and the release fails.
    const join = w.join(p).catch(() => null);
    await new Promise((r) => setImmediate(r));
    const current = (await w.participants.get(p.id)) as Participant;
    await w.participants.update({ ...current, revoked: true }, current.email);
    w.meetings.throttle('DeleteAttendee', 1);
    expect(await join).toBeNull();
    const slot = await w.registry.slot('session-1');
    if (slot.state !== 'ready') throw new Error('no meeting');
    const mine = async () =>
      (await w.deps.meetings.listAttendees(slot.roomMeeting.meetingId)).filter((a) =>
        a.ExternalUserId.startsWith(p.id),
      );
    expect(await mine()).toHaveLength(1);
    expect(slot.roomMeeting.sweepRequestedAt).toBeDefined();

    // Act: the every-minute upkeep
    const { roomUpkeep } = await import('#use-cases/close-room.ts');
    const upkeep = await roomUpkeep(w.deps, { sweepGraceMs: 0 });

    // Assess
    expect(upkeep.swept).toEqual([{ roomId: 'session-1', deleted: 1 }]);
    expect(await mine()).toEqual([]);
    const after = await w.registry.slot('session-1');
    expect(after.state === 'ready' && after.roomMeeting.sweepRequestedAt).toBeUndefined();
  });
});
