import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
const captured: string[] = [];
const originalOut = process.stdout.write.bind(process.stdout);
const originalErr = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  // The most talkative level, so that anything a handler could log is logged.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // Kept, not echoed: the lines are the evidence, read below.
  const capture = (chunk: string | Uint8Array): boolean => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  // On-demand attendees, so that the throttled CreateAttendee calls below are made (and logged).
  stack = await startTestStack({ provisioning: false });
  api = apiClient(stack);
});
afterAll(async () => {
  process.stdout.write = originalOut;
  process.stderr.write = originalErr;
  await stack?.stop();
});

describe('Logs: no join token and no JWT in any line', () => {
  it('logs joins, refusals, throttles and failures without a secret', async () => {
    // Prepare
    const jwts = await Promise.all(
      ['hod.fra@example.org', 'delegate.vat@example.org', 'organizer@example.org'].map((e) =>
        api.tokenFor(e),
      ),
    );
    stack.emulator.injectThrottles('CreateAttendee', 2);
    stack.emulator.injectFaults('CreateMeeting', 1, 'ServiceUnavailableException');

    // Act
    const joined = await api.call('POST', '/sessions/session-1/join', { as: 'hod.fra@example.org' });
    const rejoined = await api.call('POST', '/sessions/session-1/join', { as: 'hod.fra@example.org' });
    await api.call('POST', '/sessions/session-1/join', { as: 'delegate.vat@example.org' });
    await api.call('POST', '/sessions/session-1/join', { token: `${jwts[0]}tampered` });
    await api.call('PATCH', '/participants/p_00000000000000000000', {
      as: 'organizer@example.org',
      body: { x: 1 },
    });
    await api.call('GET', '/me', { as: 'hod.fra@example.org' });

    // Assess: the log has lines about these requests, and none carries a secret
    expect(joined.status).toBe(200);
    expect(rejoined.body.attendee.JoinToken).toBe(joined.body.attendee.JoinToken);
    const log = captured.join('');
    expect(log).toContain('"message":"request"');
    expect(log).toContain('"route":"POST /sessions/{sessionId}/join"');
    expect(log).toContain('chime throttled');
    expect(log).not.toContain(joined.body.attendee.JoinToken);
    for (const jwt of jwts) {
      expect(log).not.toContain(jwt);
      expect(log).not.toContain(jwt.split('.')[2] as string);
    }
    expect(log).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./);
    expect(log).not.toMatch(/JoinToken/i);
    expect(log).not.toMatch(/authorization/i);
  });
});
