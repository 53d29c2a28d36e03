import {
  type ChimeSDKMeetingsClient,
  DeleteMeetingCommand,
  ListAttendeesCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantIdOf } from '#domain/participants.ts';
import { seedStates } from '#domain/states.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, chimeClientFor, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let chime: ChimeSDKMeetingsClient;
const memberStates = seedStates().filter((s) => s.category === 'MemberState');
/** 600 imported here, and the 7 seeded personas with a delegation: everyone may join Session III. */
const ELIGIBLE = 607;
const batchesFor = (sizes: number[]) => sizes.reduce((n, size) => n + Math.ceil(size / 100), 0);

beforeAll(async () => {
  stack = await startTestStack({ maxReplicas: 4 });
  api = apiClient(stack);
  chime = chimeClientFor(stack);
  // 600 more participants: 30 Heads of Delegation (who may speak) and 570 delegates.
  const rows = Array.from({ length: 600 }, (_, i) => ({
    name: `Participant ${i}`,
    email: `p${i}@provisioning.example`,
    delegation: (memberStates[i % memberStates.length] as (typeof memberStates)[number]).code,
    role: i < 30 ? 'HeadOfDelegation' : 'Delegate',
  }));
  expect((await api.call('POST', '/participants/import', { as: ORG, body: rows })).status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

/** Every attendee record of a meeting, through the real SDK client. */
async function attendeesOf(meetingId: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const out = await chime.send(new ListAttendeesCommand({ MeetingId: meetingId, NextToken: token }));
    ids.push(...(out.Attendees ?? []).map((a) => participantIdOf(a.ExternalUserId as string)));
    token = out.NextToken;
  } while (token);
  return ids;
}

async function roomMeetings(roomId: string) {
  const { deps } = stack;
  const slot = await deps.registry.slot(roomId);
  if (slot.state !== 'ready') throw new Error(`room ${roomId} has no meeting`);
  return slot.roomMeeting;
}

describe('Provisioning: attendees made ahead, in batches', () => {
  it('gives a room of 607 eligible participants a primary and replicas, none over its cap, one attendee each', async () => {
    // Prepare: Session III (everyone), doors open
    stack.clock.set(new Date('2021-06-29T09:45:00-04:00'), { frozen: true });
    const batchBefore = stack.emulator.stats().calls.BatchCreateAttendee ?? 0;

    // Act
    const res = await fetch(`${stack.url}/_local/rooms/session-3/provision`, { method: 'POST' });
    const summary = (await res.json()) as Record<string, number | string>;

    // Assess
    expect(summary).toMatchObject({
      status: 'done',
      eligible: ELIGIBLE,
      created: ELIGIBLE,
      unplaced: 0,
      meetings: 3,
    });
    const rm = await roomMeetings('session-3');
    const primary = await attendeesOf(rm.meetingId);
    const replicas = await Promise.all(rm.replicas.map((r) => attendeesOf(r.meetingId)));
    // The primary keeps its reserve for the panel and the floor; replicas fill to Chime's 250.
    expect(primary.length).toBeLessThanOrEqual(240);
    for (const list of replicas) expect(list.length).toBeLessThanOrEqual(250);
    const all = [primary, ...replicas].flat();
    expect(all).toHaveLength(ELIGIBLE);
    expect(new Set(all).size).toBe(ELIGIBLE);
    // The panel (speakers, moderators) is in the primary; Heads of Delegation speak from the floor (a
    // holder in a replica is promoted for the intervention).
    const { deps } = stack;
    const everyone = await deps.participants.listAll();
    const speakers = everyone.filter((p) => ['Speaker', 'Moderator'].includes(p.role)).map((p) => p.id);
    expect(speakers.every((id) => primary.includes(id))).toBe(true);
    expect((stack.emulator.stats().calls.BatchCreateAttendee ?? 0) - batchBefore).toBe(
      batchesFor([primary.length, ...replicas.map((r) => r.length)]),
    );
  });

  it('then answers a join from our own records: no Chime call, the replica named', async () => {
    // Prepare: someone the provisioning placed in a replica
    const rm0 = await roomMeetings('session-3');
    const inReplica = (await attendeesOf(rm0.replicas[0]?.meetingId as string))[0] as string;
    const { deps } = stack;
    const email = (await deps.participants.get(inReplica))?.email as string;
    await api.tokenFor(email);
    const before = { ...stack.emulator.stats().calls };

    // Act
    const res = await api.call('POST', '/sessions/session-3/join', { as: email });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.meetingRole).toBe('replica');
    expect(res.body.meeting.PrimaryMeetingId).toBe(res.body.primaryMeetingId);
    const rm = await roomMeetings('session-3');
    expect(rm.replicas.map((r) => r.meetingId)).toContain(res.body.meeting.MeetingId);
    expect(stack.emulator.stats().calls).toEqual(before);
  });

  it('does not count attendees made ahead as issued until they are handed out', async () => {
    const report = await api.call('GET', '/sessions/session-3/attendance', { as: ORG });
    expect(report.body.summary.issuedNeverConnected).toBe(1);
  });

  it('starts again after the meeting ended, without duplicate attendees', async () => {
    // Prepare: Chime ends the room's meetings (deleting the primary ends its replicas)
    const old = await roomMeetings('session-3');
    await chime.send(new DeleteMeetingCommand({ MeetingId: old.meetingId }));
    stack.clock.set(new Date('2021-06-29T09:47:00-04:00'), { frozen: true });

    // Act: the next join finds the meeting gone, makes a new one, which starts provisioning again
    const res = await api.call('POST', '/sessions/session-3/join', { as: 'p10@provisioning.example' });
    await stack.provisioningIdle();

    // Assess
    expect(res.status).toBe(200);
    const rm = await roomMeetings('session-3');
    expect(rm.meetingId).not.toBe(old.meetingId);
    expect(rm.provisioning?.status).toBe('done');
    const all = (
      await Promise.all([rm.meetingId, ...rm.replicas.map((r) => r.meetingId)].map(attendeesOf))
    ).flat();
    expect(all).toHaveLength(ELIGIBLE);
    expect(new Set(all).size).toBe(ELIGIBLE);
  });

  it('retries a batch’s failed entries only', async () => {
    // Prepare: a room not yet provisioned; the first five entries of the next batch fail
    stack.clock.set(new Date('2021-06-29T14:45:00-04:00'), { frozen: true });
    stack.emulator.injectBatchEntryErrors(5, 'Throttling');
    const before = stack.emulator.stats().calls.BatchCreateAttendee ?? 0;

    // Act
    const res = await fetch(`${stack.url}/_local/rooms/session-4a/provision`, { method: 'POST' });
    const summary = (await res.json()) as Record<string, number | string>;

    // Assess: the batches for everyone, plus one call for the 5 failed entries alone
    expect(summary).toMatchObject({ status: 'done', created: ELIGIBLE, unplaced: 0 });
    const rm = await roomMeetings('session-4a');
    const lists = await Promise.all([rm.meetingId, ...rm.replicas.map((r) => r.meetingId)].map(attendeesOf));
    expect((stack.emulator.stats().calls.BatchCreateAttendee ?? 0) - before).toBe(
      batchesFor(lists.map((l) => l.length)) + 1,
    );
    expect(new Set(lists.flat()).size).toBe(ELIGIBLE);
    expect(lists.flat()).toHaveLength(ELIGIBLE);
  });

  it('leaves each participant exactly one attendee when provisioning races 50 first joins', async () => {
    // Prepare: Session IV-B has no meeting yet; its first join creates it and starts provisioning
    const emails = Array.from({ length: 50 }, (_, i) => `p${100 + i}@provisioning.example`);
    await Promise.all(emails.map((e) => api.tokenFor(e)));

    // Act
    const joins = await Promise.all(
      emails.map((e) => api.call('POST', '/sessions/session-4b/join', { as: e })),
    );
    await stack.provisioningIdle();

    // Assess
    expect(joins.filter((j) => j.status !== 200).map((j) => j.body)).toEqual([]);
    const rm = await roomMeetings('session-4b');
    const all = (
      await Promise.all([rm.meetingId, ...rm.replicas.map((r) => r.meetingId)].map(attendeesOf))
    ).flat();
    expect(new Set(all).size).toBe(ELIGIBLE);
    expect(all).toHaveLength(ELIGIBLE);
    const { deps } = stack;
    for (const j of joins) {
      const stored = await deps.attendees.get(participantIdOf(j.body.attendee.ExternalUserId), 'session-4b');
      expect(stored?.attendee.AttendeeId).toBe(j.body.attendee.AttendeeId);
    }
  });
});
