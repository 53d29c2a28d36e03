import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectFloorChannel, FloorChannelError } from '#clients/floor-channel-client.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * The floor of Session I on the local stack, at the sample event's local clock: a speakers list mixing an
 * online and an in-person delegation, the microphone opened and closed by the server on the emulator,
 * the warning and the cut by the timers alone, and the interventions report.
 */
const ORG = 'organizer@example.org';
const MOD = 'moderator@example.org';
const FRA = 'hod.fra@example.org';
const BRA = 'hod.bra@example.org';
const ROOM = 'session-1';
const T0 = Date.parse('2021-06-28T11:40:00-04:00');

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
/** What a WebSocket subscriber to Session I's channel received, in order. */
const heard: Record<string, unknown>[] = [];

beforeAll(async () => {
  stack = await startTestStack({ provisioning: false });
  api = apiClient(stack);
  stack.clock.set(new Date(T0), { frozen: true });
});
afterAll(async () => {
  await stack?.stop();
});

const at = (seconds: number) => new Date(T0 + seconds * 1000);
async function moveClock(seconds: number) {
  stack.clock.set(at(seconds), { frozen: true });
  await stack.runDue();
}
async function idOf(email: string) {
  const p = await stack.deps.participants.findByEmail(email);
  return p?.id as string;
}
/** What Chime itself enforces for an attendee (the emulator's view through the local route). */
async function chimeView(meetingId: string, attendeeId: string) {
  const res = await api.call('GET', `/_local/meetings/${meetingId}/attendees/${attendeeId}`);
  expect(res.status).toBe(200);
  expect(res.body.Attendee.JoinToken).toBeUndefined();
  return res.body.Attendee.Capabilities;
}
async function until(condition: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
const publishedTypes = (since: number) =>
  stack.published.slice(since).map((p) => `${p.roomId}:${String(p.event.type)}`);

describe('the floor of Session I (the scenario)', () => {
  let france: { meetingId: string; attendeeId: string };
  let franceRequest: string;
  let brazilRequest: string;

  it('1. France’s Head of Delegation joins listen-only, connects, and inscribes', async () => {
    const join = await api.call('POST', `/sessions/${ROOM}/join`, { as: FRA });
    expect(join.status, join.text).toBe(200);
    expect(join.body.capabilities.Audio).toBe('Receive');
    expect(join.body.interventionLimitSeconds).toBe(180);
    france = { meetingId: join.body.meeting.MeetingId, attendeeId: join.body.attendee.AttendeeId };
    const connect = await api.call(
      'POST',
      `/_local/meetings/${france.meetingId}/attendees/${france.attendeeId}/connect`,
    );
    expect(connect.status).toBe(204);
    await stack.pipeline.flush();
    const res = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
    expect(res.status, res.text).toBe(201);
    expect(res.body.request).toMatchObject({ position: 1, delegationCode: 'FRA', mode: 'online' });
    franceRequest = res.body.request.id;
    // France's client follows the room's channel (the same protocol as AppSync Events).
    const channel = await connectFloorChannel({
      url: stack.eventsUrl as string,
      token: await stack.token(FRA),
      WebSocket: WebSocket as never,
    });
    const subscription = await channel.subscribe(ROOM);
    void (async () => {
      for await (const event of subscription) heard.push(event as Record<string, unknown>);
    })().catch(() => undefined);
    const floor = await api.call('GET', `/sessions/${ROOM}/floor`, { as: FRA });
    expect(floor.body.queue[0]).toMatchObject({ requestId: franceRequest, connected: true });
  });

  it('2. Brazil’s Head of Delegation holds the in-person seat; the secretariat inscribes them', async () => {
    const brazilId = await idOf(BRA);
    const seat = await api.call('PUT', '/delegations/BRA/in-person-seat', {
      as: ORG,
      body: { participantId: brazilId },
    });
    expect(seat.status, seat.text).toBe(200);
    const res = await api.call('POST', `/sessions/${ROOM}/floor/requests`, {
      as: ORG,
      body: { participantId: brazilId },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.request).toMatchObject({ position: 2, delegationCode: 'BRA', mode: 'in-person' });
    brazilRequest = res.body.request.id;
  });

  it('3. the moderator gives France the floor: SendReceive on Chime, and the channel says so', async () => {
    const since = stack.published.length;
    const res = await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD });
    expect(res.status, res.text).toBe(200);
    expect(res.body.holder).toMatchObject({
      requestId: franceRequest,
      delegationCode: 'FRA',
      mode: 'online',
      limitSeconds: 180,
      deadline: at(180).toISOString(),
    });
    expect(await chimeView(france.meetingId, france.attendeeId)).toMatchObject({
      Audio: 'SendReceive',
      Video: 'SendReceive',
    });
    expect(publishedTypes(since)).toEqual([`${ROOM}:granted`]);
    expect(JSON.stringify(stack.published)).not.toMatch(/JoinToken/);
    await until(() => heard.some((e) => e.type === 'granted'));
    expect(heard.find((e) => e.type === 'granted')).toMatchObject({
      requestId: franceRequest,
      delegationCode: 'FRA',
    });
  });

  it('4. at 150 s the warning; at 180 s the microphone is closed by the server alone', async () => {
    let since = stack.published.length;
    await moveClock(149);
    expect(publishedTypes(since)).toEqual([]);
    await moveClock(150);
    expect(publishedTypes(since)).toEqual([`${ROOM}:warned`]);
    await until(() => heard.some((e) => e.type === 'warned'));
    since = stack.published.length;
    await moveClock(180);
    expect(publishedTypes(since)).toEqual([`${ROOM}:ended`]);
    expect(stack.published.at(-1)?.event).toMatchObject({ how: 'time', requestId: franceRequest });
    await until(() => heard.some((e) => e.type === 'ended'));
    expect(JSON.stringify(heard)).not.toMatch(/JoinToken|AttendeeId/);
    expect(await chimeView(france.meetingId, france.attendeeId)).toMatchObject({
      Audio: 'Receive',
      Video: 'Receive',
    });
    const floor = await api.call('GET', `/sessions/${ROOM}/floor`, { as: MOD });
    expect(floor.body.holder).toBeNull();
    expect(floor.body.uncut).toEqual([]);
    expect(floor.body.queue.map((q: { requestId: string }) => q.requestId)).toEqual([brazilRequest]);
  });

  it('5. Brazil speaks 95 s from the room; the moderator ends it', async () => {
    await moveClock(200);
    const grant = await api.call('POST', `/sessions/${ROOM}/floor/grant`, {
      as: MOD,
      body: { requestId: brazilRequest },
    });
    expect(grant.status, grant.text).toBe(200);
    expect(grant.body.holder).toMatchObject({ delegationCode: 'BRA', mode: 'in-person' });
    await moveClock(295);
    const end = await api.call('POST', `/sessions/${ROOM}/floor/end`, { as: MOD });
    expect(end.status, end.text).toBe(200);
    expect(end.body.floor.holder).toBeNull();
  });

  it('6. the interventions report shows both, with their seconds and how each ended', async () => {
    const res = await api.call('GET', `/sessions/${ROOM}/interventions`, { as: ORG });
    expect(res.status, res.text).toBe(200);
    expect(res.body.interventions).toMatchObject([
      {
        order: 1,
        delegationCode: 'FRA',
        delegationName: 'France',
        mode: 'online',
        secondsSpoken: 180,
        limitSeconds: 180,
        overrunSeconds: 0,
        endedBy: 'time',
      },
      {
        order: 2,
        delegationCode: 'BRA',
        mode: 'in-person',
        secondsSpoken: 95,
        overrunSeconds: 0,
        endedBy: 'moderator',
      },
    ]);
    const csv = await api.call('GET', `/sessions/${ROOM}/interventions?format=csv`, { as: ORG });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1,FRA,France,p_[0-9a-z]{20},online,.*,180,180,0,0,time$/);
  });

  it('keeps every step in the audit trail', async () => {
    const res = await api.call('GET', `/audit?sessionId=${ROOM}&limit=100`, { as: ORG });
    const actions = res.body.items.map((r: { action: string }) => r.action);
    for (const a of [
      'floor.inscribed',
      'floor.granted',
      'floor.warned',
      'floor.ended',
      'interventions.export',
    ]) {
      expect(actions).toContain(a);
    }
  });
});

describe('running the floor', () => {
  it('two moderators pressing "next" at once produce exactly one grant (50 times)', async () => {
    await moveClock(400);
    for (let i = 0; i < 50; i++) {
      const ins = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
      expect(ins.status, ins.text).toBe(201);
      const [a, b] = await Promise.all([
        api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD }),
        api.call('POST', `/sessions/${ROOM}/floor/next`, { as: ORG }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `${a.text} ${b.text}`).toEqual([200, 409]);
      const refused = a.status === 409 ? a : b;
      expect(['FLOOR_HELD', 'FLOOR_EMPTY']).toContain(refused.body.error.code);
      const end = await api.call('POST', `/sessions/${ROOM}/floor/end`, { as: MOD });
      expect(end.status, end.text).toBe(200);
    }
    const grants = (await stack.deps.floors.events(ROOM)).filter((e) => e.type === 'granted');
    // Two in the scenario, 50 here: one per press of two.
    expect(grants.length).toBe(52);
  });

  it('refuses what the rules refuse, with stable codes', async () => {
    const braId = await idOf('delegate.bra@example.org');
    const other = await api.call('POST', `/sessions/${ROOM}/floor/requests`, {
      as: FRA,
      body: { participantId: braId },
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    const delegate = await api.call('POST', `/sessions/${ROOM}/floor/requests`, {
      as: 'delegate.fra@example.org',
    });
    expect(delegate.status).toBe(403);
    expect(delegate.body.error.code).toBe('FLOOR_NOT_ALLOWED');
    const opening = await api.call('POST', '/sessions/opening/floor/requests', { as: FRA });
    expect(opening.status).toBe(403);
    expect(opening.body.error.code).toBe('FLOOR_NOT_ALLOWED');
    const observer = await api.call('GET', `/sessions/${ROOM}/floor`, { as: 'delegate.vat@example.org' });
    expect(observer.status).toBe(403);
    // Nor may they follow its channel: Session I is for Member States only.
    const vat = await connectFloorChannel({
      url: stack.eventsUrl as string,
      token: await stack.token('delegate.vat@example.org'),
      WebSocket: WebSocket as never,
    });
    await expect(vat.subscribe(ROOM)).rejects.toBeInstanceOf(FloorChannelError);
    vat.close();
    const notModerator = await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: FRA });
    expect(notModerator.status).toBe(403);
    expect(notModerator.body.error.code).toBe('FORBIDDEN');
    const empty = await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD });
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('FLOOR_EMPTY');
    const nobody = await api.call('POST', `/sessions/${ROOM}/floor/end`, { as: MOD });
    expect(nobody.body.error.code).toBe('NO_FLOOR_HOLDER');
    const extend = await api.call('POST', `/sessions/${ROOM}/floor/extend`, {
      as: MOD,
      body: { seconds: 60, reason: 'translation' },
    });
    expect(extend.body.error.code).toBe('NO_FLOOR_HOLDER');
    const unknown = await api.call('DELETE', `/sessions/${ROOM}/floor/requests/fr_0000000000000000000`, {
      as: MOD,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_FLOOR_REQUEST');
    const first = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
    expect(first.status).toBe(201);
    const twice = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_ON_LIST');
    const grant = await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD });
    expect(grant.status).toBe(200);
    const held = await api.call('POST', `/sessions/${ROOM}/floor/grant`, {
      as: MOD,
      body: { requestId: first.body.request.id },
    });
    expect(held.body.error.code).toBe('FLOOR_HELD');
    const tooLong = await api.call('POST', `/sessions/${ROOM}/floor/extend`, {
      as: MOD,
      body: { seconds: 181, reason: 'too long' },
    });
    expect(tooLong.status).toBe(400);
    const ok = await api.call('POST', `/sessions/${ROOM}/floor/extend`, {
      as: MOD,
      body: { seconds: 60, reason: 'interpretation delay' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.holder.extendedSeconds).toBe(60);
    const withdraw = await api.call('DELETE', `/sessions/${ROOM}/floor/requests/${first.body.request.id}`, {
      as: FRA,
    });
    expect(withdraw.status, withdraw.text).toBe(200);
    const floor = await api.call('GET', `/sessions/${ROOM}/floor`, { as: MOD });
    expect(floor.body.holder).toBeNull();
  });

  it('ends the floor at once when its holder is revoked, and after the grace when their client drops', async () => {
    const fraId = await idOf(FRA);
    const ins = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
    expect(ins.status, ins.text).toBe(201);
    const grant = await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD });
    expect(grant.status).toBe(200);
    const attendee = await stack.deps.attendees.get(fraId, ROOM);
    expect(attendee).not.toBeNull();
    const { meetingId, attendee: a } = attendee as NonNullable<typeof attendee>;
    // The client drops: the floor stays theirs for 20 s, then ends.
    await api.call('POST', `/_local/meetings/${meetingId}/attendees/${a.AttendeeId}/drop`);
    await stack.pipeline.flush();
    const dropped = await api.call('GET', `/sessions/${ROOM}/floor`, { as: MOD });
    expect(dropped.body.holder.droppedAt).not.toBeNull();
    const now = stack.clock.now().getTime();
    stack.clock.set(new Date(now + 21_000), { frozen: true });
    await stack.runDue();
    const after = await api.call('GET', `/sessions/${ROOM}/floor`, { as: MOD });
    expect(after.body.holder).toBeNull();
    const ended = (await stack.deps.floors.events(ROOM)).filter((e) => e.type === 'ended').at(-1);
    expect(ended?.how).toBe('dropped');

    // Revocation ends it at once.
    const again = await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA });
    expect(again.status, again.text).toBe(201);
    expect((await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD })).status).toBe(200);
    const revoke = await api.call('POST', `/participants/${fraId}/revoke`, { as: ORG });
    expect(revoke.status, revoke.text).toBe(200);
    const gone = await api.call('GET', `/sessions/${ROOM}/floor`, { as: MOD });
    expect(gone.body.holder).toBeNull();
    const last = (await stack.deps.floors.events(ROOM)).filter((e) => e.type === 'ended').at(-1);
    expect(last?.how).toBe('revoked');
  });
});
