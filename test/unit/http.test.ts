import { describe, expect, it } from 'vitest';
import { loadConfig } from '#config/env.ts';
import { DomainError } from '#domain/errors.ts';
import { toHttpError } from '#http/error-mapper.ts';
import { pathParameterSchemas } from '#http/path-parameters.ts';
import { type HttpEvent, identityFromEvent, parseGroups } from '#http/request.ts';
import { routes } from '#http/routes.ts';

const claimsConfig = { emailClaim: 'email', groupsClaim: 'cognito:groups', organizerGroup: 'organizers' };
const eventWith = (claims: Record<string, string> | undefined) =>
  ({
    requestContext: { authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined },
  }) as unknown as HttpEvent;

describe('Function: identityFromEvent', () => {
  it('reads the email (normalized) and recognises organizers from API Gateway’s "[a b]" claim form', () => {
    const identity = identityFromEvent(
      eventWith({ sub: 's-1', email: 'Organizer@Example.ORG', 'cognito:groups': '[staff organizers]' }),
      claimsConfig,
    );
    expect(identity).toEqual({ subject: 's-1', email: 'organizer@example.org', isOrganizer: true });
  });

  it('does not make an organizer of a group that merely contains the word', () => {
    const identity = identityFromEvent(
      eventWith({ sub: 's-1', email: 'a@b.org', 'cognito:groups': '[not-organizers]' }),
      claimsConfig,
    );
    expect(identity.isOrganizer).toBe(false);
  });

  it('refuses missing claims and an unverified email with UNAUTHENTICATED', () => {
    const cases: (Record<string, string> | undefined)[] = [
      undefined,
      { sub: 's' },
      { sub: 's', email: 'a@b.org', email_verified: 'false' },
    ];
    for (const claims of cases) {
      expect(() => identityFromEvent(eventWith(claims), claimsConfig)).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      );
    }
  });

  it('parses group claims in every form API Gateway and IdPs send, as exact names', () => {
    expect(parseGroups('[a b]')).toEqual(['a', 'b']);
    expect(parseGroups(['a', 'b'])).toEqual(['a', 'b']);
    expect(parseGroups('[not,organizers]')).toEqual(['not,organizers']);
    expect(parseGroups('not,organizers')).toEqual(['not,organizers']);
    expect(parseGroups('event organizers')).toEqual(['event organizers']);
    expect(parseGroups('organizers')).toEqual(['organizers']);
    expect(parseGroups('')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('does not make an organizer of a group whose name holds the organizer group after a comma or space', () => {
    for (const groups of ['[not,organizers]', 'not,organizers', 'event organizers', '[organizers,x]']) {
      const identity = identityFromEvent(
        eventWith({ sub: 's-1', email: 'a@b.org', 'cognito:groups': groups }),
        claimsConfig,
      );
      expect(identity.isOrganizer, groups).toBe(false);
    }
  });
});

describe('Function: toHttpError', () => {
  it('keeps a domain error’s code, message and details, with its status', () => {
    const mapped = toHttpError(new DomainError('OUTSIDE_JOIN_WINDOW', 'Opens at 10:00.', { opensAt: 'x' }));
    expect(mapped).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'OUTSIDE_JOIN_WINDOW', message: 'Opens at 10:00.', opensAt: 'x' } },
    });
  });

  it('turns anything else into a 500 that tells nothing of the internals', () => {
    const mapped = toHttpError(new Error('ECONNREFUSED 10.0.0.1:8000 at table floorpass-prod'));
    expect(mapped.statusCode).toBe(500);
    expect(JSON.stringify(mapped.body)).not.toContain('ECONNREFUSED');
    expect(mapped.body.error.code).toBe('INTERNAL');
  });
});

describe('Module: path parameters', () => {
  it('has a schema for every path parameter of the route table', () => {
    const names = routes.flatMap((r) => [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string));
    for (const name of names) expect(pathParameterSchemas, name).toHaveProperty(name);
  });
});

describe('Function: loadConfig (ORGANIZER_GROUP)', () => {
  const base = { TABLE_NAME: 'floorpass-x', EVENT_ID: 'hlc-2021' };

  it('refuses an organizer group name with a space or a comma, saying why', () => {
    for (const name of ['event organizers', 'not,organizers', 'organizers\t']) {
      expect(() => loadConfig({ ...base, ORGANIZER_GROUP: name }), name).toThrow(
        /ORGANIZER_GROUP: must not contain spaces or commas/,
      );
    }
  });

  it('takes a plain group name, and organizers by default', () => {
    expect(loadConfig({ ...base, ORGANIZER_GROUP: 'event-organizers' }).ORGANIZER_GROUP).toBe(
      'event-organizers',
    );
    expect(loadConfig(base).ORGANIZER_GROUP).toBe('organizers');
  });
});
