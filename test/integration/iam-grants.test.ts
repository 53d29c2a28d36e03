import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectFloorChannel } from '#clients/floor-channel-client.ts';
import type { ServiceFunction } from '../../infra/constructs/service-function.ts';
import type { EventStack } from '../../infra/stacks/event-stack.ts';
import type { LocalStack } from '../../local/stack.ts';
import { synthesizeEventStack } from '../infra/synth.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * Least privilege that works: every AWS call each function really makes in the local stack (recorded per
 * invocation as the IAM actions it needs, a transaction item by item) is granted to that function by the
 * stack. A call the grants miss would be an AccessDenied in AWS; this finds it before a deployment does.
 */
const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
const MOD = 'moderator@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let eventStack: EventStack;

beforeAll(async () => {
  stack = await startTestStack({ maxReplicas: 4, chainRecord: true });
  api = apiClient(stack);
  eventStack = synthesizeEventStack({ event: 'events/hlc-2021.yaml' });
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Every route, and the functions that run on their own: provisioning, the recorder, the room close, the
 * floor channel's subscribe check.
 */
async function scenario() {
  const imported = await api.call('POST', '/participants/import', {
    as: ORG,
    body: [
      { name: 'Delegate of Chile', email: 'delegate.chl@example.org', delegation: 'CHL', role: 'Delegate' },
      { name: 'Delegate of Peru', email: 'delegate.per@example.org', delegation: 'PER', role: 'Delegate' },
    ],
  });
  const [chile, peru] = imported.body.participants as { id: string }[];
  await api.call('GET', '/me', { as: FRA });
  const follower = await connectFloorChannel({
    url: stack.eventsUrl as string,
    token: await stack.token(FRA),
    WebSocket,
  });
  await follower.subscribe('session-1');
  follower.close();
  const join = await api.call('POST', '/sessions/session-1/join', { as: FRA });
  await stack.provisioningIdle();
  stack.emulator.connect(join.body.meeting.MeetingId, join.body.attendee.AttendeeId);
  await api.call('POST', '/sessions/session-1/join', { as: 'delegate.chl@example.org' });
  // Registered after the room was provisioned: placed on demand by the join itself.
  await api.call('POST', '/participants/import', {
    as: ORG,
    body: [
      { name: 'Delegate of Ecuador', email: 'delegate.ecu@example.org', delegation: 'ECU', role: 'Delegate' },
    ],
  });
  await api.call('POST', '/sessions/session-1/join', { as: 'delegate.ecu@example.org' });
  await api.call('GET', '/delegations?category=ObserverState', { as: ORG });
  await api.call('POST', '/delegations', {
    as: ORG,
    body: { code: 'IAMT', name: 'IAM Test Organization', category: 'CivilSociety' },
  });
  await api.call('PUT', '/delegations/PER/in-person-seat', { as: ORG, body: { participantId: peru?.id } });
  await api.call('GET', '/delegations/PER/in-person-seat', { as: ORG });
  await api.call('POST', '/sessions/session-1/check-ins', {
    as: ORG,
    body: { participantId: peru?.id, direction: 'in' },
  });
  await api.call('DELETE', '/delegations/PER/in-person-seat', { as: ORG });
  await api.call('GET', '/participants?limit=5', { as: ORG });
  await api.call('GET', `/participants/${chile?.id}`, { as: ORG });
  await api.call('PATCH', `/participants/${chile?.id}`, { as: ORG, body: { role: 'Moderator' } });
  await api.call('POST', `/participants/${chile?.id}/revoke`, { as: ORG });
  await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
  await api.call('GET', '/sessions/session-1/attendance?format=csv', { as: ORG });
  await api.call('GET', '/sessions/session-1/presence', { as: ORG });
  await api.call('GET', '/sessions/session-1/presence/timeline?step=300', { as: ORG });
  await api.call('GET', '/roll-call', { as: ORG });
  await api.call('GET', '/audit', { as: ORG });
  await api.call('GET', '/meeting-events/unmatched', { as: ORG });
  await api.call('GET', '/me/attendance', { as: FRA });
  await stack.pipeline.flush();
  // The floor: inscriptions, a move, a withdrawal, a grant with its promotion, an extension, mute-all,
  // an end, the report; then a grant cut by its timer.
  const floor = '/sessions/session-1/floor';
  const fra = await api.call('POST', `${floor}/requests`, { as: FRA });
  const bra = await api.call('POST', `${floor}/requests`, { as: 'hod.bra@example.org' });
  await api.call('GET', floor, { as: FRA });
  await api.call('PATCH', `${floor}/requests/${bra.body.request.id}`, { as: MOD, body: { position: 1 } });
  await api.call('DELETE', `${floor}/requests/${bra.body.request.id}`, { as: 'hod.bra@example.org' });
  await api.call('POST', `${floor}/grant`, { as: MOD, body: { requestId: fra.body.request.id } });
  await api.call('POST', `${floor}/credentials`, { as: FRA });
  await api.call('POST', `${floor}/extend`, { as: MOD, body: { seconds: 30, reason: 'interpretation' } });
  await api.call('POST', `${floor}/mute-all`, { as: MOD });
  await api.call('POST', `${floor}/end`, { as: MOD });
  await api.call('POST', `${floor}/requests`, { as: FRA });
  await api.call('POST', `${floor}/next`, { as: ORG });
  await fetch(`${stack.url}/_local/clock`, {
    method: 'POST',
    body: JSON.stringify({ now: new Date(stack.clock.now().getTime() + 181_000).toISOString() }),
  });
  await api.call('GET', '/sessions/session-1/interventions?format=csv', { as: ORG });
  await api.call('PATCH', '/sessions/session-1', { as: ORG, body: { moderators: [MOD] } });
  await api.call('POST', `${floor}/requests`, { as: FRA });
  await api.call('POST', `${floor}/next`, { as: ORG });
  await api.call('PATCH', '/sessions/session-1', { as: ORG, body: { end: '2021-06-28T13:30:00-04:00' } });
  await api.call('POST', '/sessions/session-1/close', { as: ORG });
  await fetch(`${stack.url}/_local/clock`, {
    method: 'POST',
    body: JSON.stringify({ now: '2021-06-28T18:00:01-04:00' }),
  });
  await stack.pipeline.flush();
  // The record: everything above chained, a checkpoint signed, the record exported.
  await stack.record.checkpoint();
  await api.call('GET', '/record', { as: ORG });
  await api.call('GET', '/record/export', { as: ORG });
}

const granted = (fn: ServiceFunction) => [
  ...fn.tableActions.map((a) => `dynamodb:${a}`),
  ...fn.chimeActions.map((a) => `chime:${a}`),
  ...fn.channelActions.map((a) => `appsync:${a}`),
];

describe('IAM: what each function sends is what its role allows', () => {
  it('grants every function each action it was seen to use, over a scenario of every route', async () => {
    // Act
    await scenario();
    const used = stack.sdkCalls();

    // Assess: every function ran, and nothing it did is missing from its grants
    const functions: Record<string, ServiceFunction> = {
      ...eventStack.functions,
      'provision-room': eventStack.provisioner,
      'record-meeting-events': eventStack.recorder,
      'close-rooms': eventStack.roomCloser,
      'fire-timers': eventStack.timerFunction,
      'floor-channel-auth': eventStack.floorChannelAuth,
      'chain-record': eventStack.recordChaining.chainer,
      'sign-checkpoint': eventStack.recordChaining.signer,
    };
    for (const name of Object.keys(functions)) expect(used.has(name), `${name} ran`).toBe(true);
    const missing = Object.entries(functions).flatMap(([name, fn]) =>
      (used.get(name) ?? []).filter((a) => !granted(fn).includes(a)).map((a) => `${name}: ${a}`),
    );
    expect(missing).toEqual([]);
  });
});
