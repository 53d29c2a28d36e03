import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delegationCategories } from '#domain/delegations.ts';
import { participantRoles } from '#domain/participants.ts';
import { capabilitiesFor, decideAccess, decideFloor } from '#domain/policy.ts';
import { createParticipant, createSession } from '../fixtures/factories.ts';

const session = createSession();
const start = Date.parse(session.start);
const end = Date.parse(session.end);
const opens = start - 30 * 60_000;

const arbitraryRequest = fc.record({
  role: fc.constantFrom(...participantRoles),
  category: fc.constantFrom(...delegationCategories),
  revoked: fc.boolean(),
  seat: fc.option(fc.constantFrom('FRA', 'BRA'), { nil: null }),
  hybrid: fc.boolean(),
  audience: fc.subarray([...delegationCategories], { minLength: 1 }),
  presenters: fc.option(
    fc.record({
      categories: fc.subarray([...delegationCategories], { minLength: 1 }),
      roles: fc.subarray([...participantRoles], { minLength: 1 }),
    }),
    { nil: undefined },
  ),
  at: fc.integer({ min: opens - 3 * 3_600_000, max: end + 3 * 3_600_000 }),
});

type ArbitraryRequest = typeof arbitraryRequest extends fc.Arbitrary<infer T> ? T : never;
const decideFor = (r: ArbitraryRequest) =>
  decideAccess({
    participant: createParticipant({ role: r.role, revoked: r.revoked, inPersonSeat: r.seat }),
    category: r.category,
    session: createSession({
      audience: r.audience,
      hybrid: r.hybrid,
      ...(r.presenters ? { presenters: r.presenters } : {}),
    }),
    now: new Date(r.at),
  });
/** Whom the room is for: its audience, and its invited presenters (category and role). */
const inRoom = (r: ArbitraryRequest) =>
  r.audience.includes(r.category) ||
  (!!r.presenters?.categories.includes(r.category) && r.presenters.roles.includes(r.role));

describe('Function: decideAccess', () => {
  it('allows a Member State delegate inside the window of a Member-States-only room', () => {
    const decision = decideAccess({
      participant: createParticipant(),
      category: 'MemberState',
      session,
      now: new Date(start + 60_000),
    });
    expect(decision).toMatchObject({ allowed: true, maySpeak: false });
  });

  it('never lets a category outside the audience in, but for its invited presenters (property)', () => {
    fc.assert(
      fc.property(arbitraryRequest, (r) => {
        const decision = decideFor(r);
        if (!inRoom(r)) expect(decision.allowed).toBe(false);
        // A presenter from outside the audience is there to present: they may speak.
        if (decision.allowed && !r.audience.includes(r.category)) expect(decision.maySpeak).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets Session I’s invited presenters in, and no one else of their organizations', () => {
    const s1 = createSession({
      presenters: { categories: ['UNEntity', 'InternationalOrganization'], roles: ['Speaker', 'Moderator'] },
    });
    const at = new Date(start);
    const moderator = decideAccess({
      participant: createParticipant({ role: 'Moderator' }),
      category: 'UNEntity',
      session: s1,
      now: at,
    });
    const delegate = decideAccess({
      participant: createParticipant({ role: 'Delegate' }),
      category: 'UNEntity',
      session: s1,
      now: at,
    });
    const cso = decideAccess({
      participant: createParticipant({ role: 'Speaker' }),
      category: 'CivilSociety',
      session: s1,
      now: at,
    });
    expect(moderator).toMatchObject({ allowed: true, maySpeak: true });
    expect(moderator.allowed && moderator.capabilities.Content).toBe('SendReceive');
    expect(delegate).toMatchObject({ allowed: false, code: 'SESSION_RESTRICTED' });
    expect(cso).toMatchObject({ allowed: false, code: 'SESSION_RESTRICTED' });
  });

  it('allows exactly when registered, in the audience (or invited to present), not seated in a hybrid room, and inside the window (property)', () => {
    fc.assert(
      fc.property(arbitraryRequest, (r) => {
        const decision = decideFor(r);
        const expected =
          !r.revoked && inRoom(r) && !(r.hybrid && r.seat !== null) && r.at >= opens && r.at < end;
        expect(decision.allowed).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('explains a refusal with the first reason a person would give (property)', () => {
    fc.assert(
      fc.property(arbitraryRequest, (r) => {
        const decision = decideFor(r);
        if (decision.allowed) return;
        const expected = r.revoked
          ? 'PARTICIPANT_REVOKED'
          : !inRoom(r)
            ? 'SESSION_RESTRICTED'
            : r.hybrid && r.seat !== null
              ? 'IN_PERSON_SEAT_HOLDER'
              : 'OUTSIDE_JOIN_WINDOW';
        expect(decision.code).toBe(expected);
        expect(decision.message.length).toBeGreaterThan(10);
        if (decision.code === 'OUTSIDE_JOIN_WINDOW' && r.at < opens) {
          expect(decision.opensAt?.getTime()).toBe(opens);
        }
      }),
    );
  });

  it('gives the room’s limit to those who may take its floor only (property)', () => {
    const thematic = createSession({
      speakers: ['Speaker', 'Moderator'],
      floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
    });
    fc.assert(
      fc.property(fc.constantFrom(...participantRoles), (role) => {
        const decision = decideAccess({
          participant: createParticipant({ role }),
          category: 'MemberState',
          session: thematic,
          now: new Date(start),
        });
        expect(decision.allowed && decision.interventionLimitSeconds).toBe(
          role === 'HeadOfDelegation' ? 180 : null,
        );
      }),
    );
  });

  it('hears a Head of Delegation only while they hold the floor', () => {
    const thematic = createSession({
      speakers: ['Speaker', 'Moderator'],
      floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
    });
    const hod = createParticipant({ role: 'HeadOfDelegation' });
    const listening = decideAccess({
      participant: hod,
      category: 'MemberState',
      session: thematic,
      now: new Date(start),
    });
    const holding = decideAccess({
      participant: hod,
      category: 'MemberState',
      session: thematic,
      now: new Date(start),
      holdsFloor: true,
    });
    expect(listening.allowed && listening.capabilities).toEqual({
      Audio: 'Receive',
      Video: 'Receive',
      Content: 'Receive',
    });
    expect(holding.allowed && holding.capabilities).toEqual({
      Audio: 'SendReceive',
      Video: 'SendReceive',
      Content: 'Receive',
    });
  });

  it('decides who may take the floor, and how (online, or in person from the seat)', () => {
    const thematic = createSession({
      speakers: ['Speaker', 'Moderator'],
      floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
    });
    const hod = createParticipant({ role: 'HeadOfDelegation' });
    expect(decideFloor({ participant: hod, category: 'MemberState', session: thematic })).toEqual({
      allowed: true,
      mode: 'online',
    });
    expect(
      decideFloor({
        participant: { ...hod, inPersonSeat: 'FRA' },
        category: 'MemberState',
        session: thematic,
      }),
    ).toEqual({ allowed: true, mode: 'in-person' });
    expect(decideFloor({ participant: hod, category: 'ObserverState', session: thematic })).toMatchObject({
      allowed: false,
      code: 'SESSION_RESTRICTED',
    });
    expect(
      decideFloor({ participant: { ...hod, role: 'Delegate' }, category: 'MemberState', session: thematic }),
    ).toMatchObject({ allowed: false, code: 'FLOOR_NOT_ALLOWED' });
    expect(
      decideFloor({ participant: { ...hod, revoked: true }, category: 'MemberState', session: thematic }),
    ).toMatchObject({ allowed: false, code: 'PARTICIPANT_REVOKED' });
    expect(
      decideFloor({ participant: hod, category: 'MemberState', session: createSession() }),
    ).toMatchObject({
      allowed: false,
      code: 'FLOOR_NOT_ALLOWED',
    });
  });

  it('names the room and its audience in a SESSION_RESTRICTED message', () => {
    const decision = decideAccess({
      participant: createParticipant(),
      category: 'ObserverState',
      session,
      now: new Date(start),
    });
    expect(decision).toMatchObject({ allowed: false, code: 'SESSION_RESTRICTED' });
    expect(!decision.allowed && decision.message).toBe('Session I is open to Member States only.');
  });
});

describe('Function: capabilitiesFor', () => {
  it('never gives content without video, nor sending to those who may not speak (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...participantRoles), fc.boolean(), (role, maySpeak) => {
        const caps = capabilitiesFor(role, maySpeak);
        const receivesVideo = caps.Video === 'SendReceive' || caps.Video === 'Receive';
        if (caps.Content === 'SendReceive' || caps.Content === 'Receive') expect(receivesVideo).toBe(true);
        if (!maySpeak)
          expect([caps.Audio, caps.Video, caps.Content]).toEqual(['Receive', 'Receive', 'Receive']);
        if (caps.Content === 'SendReceive') expect(['Speaker', 'Moderator']).toContain(role);
      }),
    );
  });
});
