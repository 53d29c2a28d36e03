import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // A meeting that holds two attendee records, so that the third join finds the room full.
  stack = await startTestStack({ chimeMaxAttendeesPerMeeting: 2, maxReplicas: 0, provisioning: false });
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('Room capacity', () => {
  it('refuses a join beyond the meeting’s capacity with ROOM_FULL (409), never a 500', async () => {
    const first = await api.call('POST', '/sessions/session-1/join', { as: 'hod.fra@example.org' });
    const second = await api.call('POST', '/sessions/session-1/join', { as: 'delegate.fra@example.org' });
    const third = await api.call('POST', '/sessions/session-1/join', { as: 'hod.bra@example.org' });
    const rejoin = await api.call('POST', '/sessions/session-1/join', { as: 'hod.fra@example.org' });

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('ROOM_FULL');
    expect(rejoin.status).toBe(200);
  });
});
