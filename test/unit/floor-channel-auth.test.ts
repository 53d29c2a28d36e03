/**
 * The floor namespace's onSubscribe Lambda (direct integration): how it reads the event AppSync Events
 * sends (the context object of the Events guide's "Direct data source integrations using Lambda", as
 * Powertools' AppSyncEventsSubscribeSchema models it) and the answer it gives: null lets the
 * subscription start, `{ error }` refuses it. The decision itself is a stub here (follow-floor.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '#domain/identity.ts';
import type { ClaimsConfig } from '#http/request.ts';

let answerSubscribe: typeof import('../../functions/floor-channel-auth.ts').answerSubscribe;

const claimsConfig: ClaimsConfig = {
  emailClaim: 'email',
  groupsClaim: 'cognito:groups',
  organizerGroup: 'organizers',
};

/** A subscribe as AppSync Events hands it to the Lambda, the identity of a Cognito user pool ID token. */
const subscribeEvent = (overrides: { channel?: string; identity?: unknown; operation?: string } = {}) => {
  const channel = overrides.channel ?? '/floor/session-1';
  const segments = channel.split('/').filter(Boolean);
  return {
    identity:
      overrides.identity === undefined
        ? {
            sub: '7d8ca528-4931-4254-9273-ea5ee853f271',
            issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
            username: '7d8ca528-4931-4254-9273-ea5ee853f271',
            claims: {
              sub: '7d8ca528-4931-4254-9273-ea5ee853f271',
              email: 'HoD.Fra@example.org',
              email_verified: true,
              'cognito:groups': ['delegates'],
              token_use: 'id',
              aud: 'client-1',
            },
            sourceIp: ['203.0.113.7'],
            defaultAuthStrategy: null,
            groups: ['delegates'],
          }
        : overrides.identity,
    result: null,
    request: { headers: { host: 'example.appsync-api.us-east-1.amazonaws.com' }, domainName: null },
    info: {
      channel: { path: channel, segments },
      channelNamespace: { name: segments[0] ?? '' },
      operation: overrides.operation ?? 'SUBSCRIBE',
    },
    error: null,
    prev: null,
    stash: {},
    outErrors: [],
    events: null,
  };
};

/** A follow check that records what it was asked and answers `allowed`. */
function stubCheck(allowed: boolean | Error) {
  const asked: [Identity, string][] = [];
  const check = async (identity: Identity, channel: string) => {
    asked.push([identity, channel]);
    if (allowed instanceof Error) throw allowed;
    return allowed;
  };
  return { asked, check };
}

describe('Function: floor-channel-auth', () => {
  beforeAll(async () => {
    // The function reads its configuration at import, as at a cold start.
    Object.assign(process.env, {
      TABLE_NAME: 'floorpass-test',
      EVENT_ID: 'hlc-2021',
      AWS_REGION: 'us-east-1',
    });
    ({ answerSubscribe } = await import('../../functions/floor-channel-auth.ts'));
  });

  it('answers null (subscribe) for someone the check lets follow the room, asking about that room', async () => {
    // Prepare
    const { asked, check } = stubCheck(true);

    // Act
    const answer = await answerSubscribe(subscribeEvent(), claimsConfig, check);

    // Assess
    expect(answer).toBeNull();
    expect(asked).toEqual([
      [
        { subject: '7d8ca528-4931-4254-9273-ea5ee853f271', email: 'hod.fra@example.org', isOrganizer: false },
        '/floor/session-1',
      ],
    ]);
  });

  it('answers { error } for someone the check refuses', async () => {
    // Prepare
    const { check } = stubCheck(false);

    // Act
    const answer = await answerSubscribe(subscribeEvent(), claimsConfig, check);

    // Assess
    expect(answer).toEqual({ error: expect.stringMatching(/^Unauthorized: /) });
  });

  it('reads the organizer group from the groups claim, an array in AppSync and a string from API Gateway', async () => {
    // Prepare
    const { asked, check } = stubCheck(true);
    const organizer = (groups: unknown) =>
      subscribeEvent({
        identity: {
          sub: 'org',
          issuer: 'x',
          claims: { sub: 'org', email: 'o@x.org', 'cognito:groups': groups },
        },
      });

    // Act
    await answerSubscribe(organizer(['organizers']), claimsConfig, check);
    await answerSubscribe(organizer('[staff organizers]'), claimsConfig, check);
    await answerSubscribe(organizer(['not-organizers']), claimsConfig, check);

    // Assess
    expect(asked.map(([identity]) => identity.isOrganizer)).toEqual([true, true, false]);
  });

  it('reads an OIDC identity (claims, issuer, sub) with the event’s own email and groups claims', async () => {
    // Prepare
    const { asked, check } = stubCheck(true);
    const oidc = subscribeEvent({
      identity: {
        sub: 'un-4711',
        issuer: 'https://login.example.int',
        claims: { sub: 'un-4711', mail: 'Delegate@Example.int', roles: ['secretariat'] },
      },
    });

    // Act
    const answer = await answerSubscribe(
      oidc,
      { emailClaim: 'mail', groupsClaim: 'roles', organizerGroup: 'secretariat' },
      check,
    );

    // Assess
    expect(answer).toBeNull();
    expect(asked[0]?.[0]).toEqual({ subject: 'un-4711', email: 'delegate@example.int', isOrganizer: true });
  });

  it.each([
    ['no identity (an API key or IAM caller)', subscribeEvent({ identity: null })],
    [
      'a token without an email',
      subscribeEvent({ identity: { sub: 's', issuer: 'i', claims: { sub: 's' } } }),
    ],
    [
      'an unverified email',
      subscribeEvent({
        identity: { sub: 's', issuer: 'i', claims: { sub: 's', email: 'a@b.org', email_verified: false } },
      }),
    ],
    ['a wildcard channel', subscribeEvent({ channel: '/floor/*' })],
    ['a deeper path', subscribeEvent({ channel: '/floor/session-1/extra' })],
    ['another namespace', subscribeEvent({ channel: '/default/session-1' })],
    ['a publish', subscribeEvent({ operation: 'PUBLISH' })],
    ['something else entirely', { hello: 'world' }],
  ])('refuses %s without asking the check', async (_, event) => {
    // Prepare
    const { asked, check } = stubCheck(true);

    // Act
    const answer = await answerSubscribe(event, claimsConfig, check);

    // Assess
    expect(answer).toEqual({ error: expect.any(String) });
    expect(asked).toEqual([]);
  });

  it('refuses, without the cause, when the check fails (fails closed)', async () => {
    // Prepare
    const { check } = stubCheck(new Error('ProvisionedThroughputExceededException: table t-123'));

    // Act
    const answer = await answerSubscribe(subscribeEvent(), claimsConfig, check);

    // Assess
    expect(answer).toEqual({ error: expect.any(String) });
    expect(answer?.error).not.toMatch(/Provisioned|t-123/);
  });
});
