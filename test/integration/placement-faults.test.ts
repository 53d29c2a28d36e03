import { type ChimeSDKMeetingsClient, ListAttendeesCommand } from '@aws-sdk/client-chime-sdk-meetings';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedStates } from '#domain/states.ts';
import { type DynamoProxy, startDynamoProxy } from '../../local/dynamodb-proxy.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, type Call, chimeClientFor, startTestStack } from '../support/local-stack.ts';

/**
 * Faults in rooms that are not provisioned, where every join places on demand: Chime throttling and
 * unavailable, DynamoDB not answering for five seconds, and the same people joining three times at once.
 * Every join ends in a clear answer (200, or 503 with Retry-After: never a 500), each meeting's count is
 * exactly what is stored in it and what Chime holds, and nobody is told ROOM_FULL while there is room.
 */
const ORG = 'organizer@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let chime: ChimeSDKMeetingsClient;
let proxy: DynamoProxy;
const memberStates = seedStates().filter((s) => s.category === 'MemberState');

beforeAll(async () => {
  proxy = await startDynamoProxy(inject('dynamoEndpoint'));
  stack = await startTestStack({ provisioning: false, dynamoEndpoint: proxy.endpoint, maxReplicas: 4 });
  api = apiClient(stack);
  chime = chimeClientFor(stack);
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
});

async function importPeople(prefix: string, n: number, role: string) {
  const rows = Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${i}`,
    email: `${prefix}${i}@faults.example`,
    delegation: (memberStates[i % memberStates.length] as (typeof memberStates)[number]).code,
    role,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    const res = await api.call('POST', '/participants/import', { as: ORG, body: rows.slice(i, i + 500) });
    expect(res.status).toBe(200);
  }
  await Promise.all(rows.map((r) => api.tokenFor(r.email)));
  return rows.map((r) => r.email);
}

/** Joins at `perSecond`, each retried after a 503 as a client honouring Retry-After would (quicker). */
async function joinAll(roomId: string, emails: string[], perSecond: number) {
  const first: Call[] = [];
  const final: Call[] = [];
  await Promise.all(
    emails.map(async (email, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / perSecond));
      let res = await api.call('POST', `/sessions/${roomId}/join`, { as: email });
      first.push(res);
      // Chime creates at most 10 attendees a second: a room that is not provisioned takes a while.
      for (let attempt = 0; res.status === 503 && attempt < 60; attempt++) {
        await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
        res = await api.call('POST', `/sessions/${roomId}/join`, { as: email });
      }
      final.push(res);
    }),
  );
  return { first, final };
}

/** Per meeting of the room: our count, the attendees we store there, and Chime's records. */
async function ledgerOf(roomId: string) {
  const { deps } = stack;
  const slot = await deps.registry.slot(roomId);
  if (slot.state !== 'ready') throw new Error(`${roomId} has no meeting`);
  const rm = slot.roomMeeting;
  const stored = await deps.attendees.listForRoom(roomId);
  const out: { meetingId: string; counted: number; stored: number; chime: number }[] = [];
  for (const meetingId of [rm.meetingId, ...rm.replicas.map((r) => r.meetingId)]) {
    let records = 0;
    let token: string | undefined;
    do {
      const page = await chime.send(new ListAttendeesCommand({ MeetingId: meetingId, NextToken: token }));
      records += page.Attendees?.length ?? 0;
      token = page.NextToken;
    } while (token);
    out.push({
      meetingId,
      counted: rm.counts[meetingId] ?? 0,
      stored: stored.filter((a) => a.meetingId === meetingId).length,
      chime: records,
    });
  }
  return out;
}

/**
 * Exact once nothing is in flight: a join answered 503 at its budget may still be finishing (its late
 * attendee released, its reservation given back), so wait until two readings a second apart agree.
 */
async function expectExact(roomId: string) {
  let ledger = await ledgerOf(roomId);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const next = await ledgerOf(roomId);
    const same = JSON.stringify(next) === JSON.stringify(ledger);
    ledger = next;
    if (same) break;
  }
  for (const m of ledger) {
    expect({ counted: m.counted, chime: m.chime }).toEqual({ counted: m.stored, chime: m.stored });
  }
  return ledger;
}

const statuses = (calls: Call[]) => {
  const out: Record<number, number> = {};
  for (const c of calls) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
};

describe('Placement faults in a room that is not provisioned', () => {
  it('answers 200 joins at 50/s through Chime 429s and 503s with 200 or 503 + Retry-After, counts exact', {
    timeout: 180_000,
  }, async () => {
    // Prepare: Session I (in progress at the local clock), 600 delegates of Member States
    const emails = await importPeople('storm', 200, 'Delegate');
    stack.emulator.injectThrottles('CreateAttendee', 30);
    stack.emulator.injectFaults('*', 12, 'ServiceUnavailableException');

    // Act
    const { first, final } = await joinAll('session-1', emails, 50);

    // Assess
    expect(first.filter((c) => c.status >= 500 && c.status !== 503)).toEqual([]);
    for (const c of first.filter((x) => x.status === 503)) {
      expect(c.headers.get('retry-after')).toBe('2');
      expect(c.body.error.code).toBe('MEETING_UNAVAILABLE');
    }
    expect(statuses(final)).toEqual({ 200: 200 });
    const ledger = await expectExact('session-1');
    expect(ledger.reduce((n, m) => n + m.stored, 0)).toBeGreaterThanOrEqual(200);
  });

  it('counts once the same attendee placed three times at once: 100 late Heads of Delegation', {
    timeout: 180_000,
  }, async () => {
    // The opening (10:00–11:00), where Heads of Delegation listen: the audience, primary then replicas.
    stack.clock.set(new Date('2021-06-28T10:20:00-04:00'));
    const emails = await importPeople('late', 100, 'HeadOfDelegation');
    const calls = await Promise.all(
      emails.flatMap((email) =>
        [0, 1, 2].map(() => api.call('POST', '/sessions/opening/join', { as: email })),
      ),
    );
    const retried = await Promise.all(
      calls.map(async (c, i) => {
        let res = c;
        for (let attempt = 0; res.status === 503 && attempt < 60; attempt++) {
          await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
          res = await api.call('POST', '/sessions/opening/join', { as: emails[Math.floor(i / 3)] as string });
        }
        return res;
      }),
    );
    expect(statuses(retried)).toEqual({ 200: 300 });
    // Three devices of one person share one attendee.
    for (let i = 0; i < calls.length; i += 3) {
      const ids = new Set(retried.slice(i, i + 3).map((c) => c.body.attendee.AttendeeId));
      expect(ids.size).toBe(1);
    }
    await expectExact('opening');
  });

  it('rides out DynamoDB not answering for 5 s: no 500, counts exact, nobody left ROOM_FULL', {
    timeout: 180_000,
  }, async () => {
    // Prepare: Session II-A (15:00) not provisioned, its doors open
    stack.clock.set(new Date('2021-06-28T14:50:00-04:00'));
    const emails = await importPeople('paused', 150, 'Delegate');

    // Act: the table stops answering a second into the stampede
    setTimeout(() => proxy.pause(5_000), 1_000);
    const { first, final } = await joinAll('session-2a', emails, 50);

    // Assess
    expect(first.filter((c) => c.status >= 500 && c.status !== 503)).toEqual([]);
    expect(statuses(final)).toEqual({ 200: 150 });
    expect(first.filter((c) => c.body?.error?.code === 'ROOM_FULL')).toEqual([]);
    await expectExact('session-2a');
  });
});
