/**
 * Who may follow a room's floor (its channel's subscribe check): organizers, the room's moderators, and
 * whoever the join policy lets into the room now. In-memory repositories.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryDelegationRepository,
  createMemoryParticipantRepository,
  createMemoryProgrammeRepository,
} from '#adapters/memory/repositories.ts';
import type { Identity } from '#domain/identity.ts';
import type { Participant } from '#domain/participants.ts';
import type { Programme } from '#domain/programme.ts';
import { mayFollowFloor } from '#use-cases/floor.ts';
import { createParticipant, createSession } from '../fixtures/factories.ts';

/** Session I: Member States only, 11:00–13:00 New York time, doors open 30 minutes before. */
const sessionOne = createSession({ moderators: ['moderator@example.org'] });
const duringSessionOne = new Date('2021-06-28T12:00:00-04:00');
const programme: Programme = {
  event: { id: 'hlc-2021', name: 'High-Level Conference', timeZone: 'America/New_York' },
  inPerson: { seatsPerDelegation: 1, eligibleCategories: ['MemberState', 'ObserverState'] },
  groups: [],
  sessions: [sessionOne],
  record: { checkpointMinutes: 5 },
};

const identityOf = (email: string, isOrganizer = false): Identity => ({
  subject: `sub-${email}`,
  email,
  isOrganizer,
});

describe('Use case: mayFollowFloor', () => {
  let now: Date;
  let deps: Parameters<typeof mayFollowFloor>[0];
  const register = async (p: Participant) => deps.participants.saveImport([p], []);

  beforeEach(async () => {
    now = duringSessionOne;
    const delegations = createMemoryDelegationRepository();
    await delegations.seed([
      { code: 'FRA', name: 'France', category: 'MemberState', regionalGroup: 'WEOG' },
      { code: 'VAT', name: 'Holy See', category: 'ObserverState', regionalGroup: null },
    ]);
    const programmes = createMemoryProgrammeRepository();
    await programmes.save(programme);
    deps = {
      participants: createMemoryParticipantRepository(),
      delegations,
      programme: programmes,
      clock: { now: () => now },
    };
    await register(
      createParticipant({
        id: 'p_fra0000000000000000a',
        email: 'hod.fra@example.org',
        role: 'HeadOfDelegation',
      }),
    );
    await register(
      createParticipant({
        id: 'p_vat0000000000000000a',
        email: 'delegate.vat@example.org',
        delegationCode: 'VAT',
      }),
    );
  });

  it('lets a Member State delegate follow Session I while its doors are open', async () => {
    // Act
    const allowed = await mayFollowFloor(deps, identityOf('hod.fra@example.org'), 'session-1');

    // Assess
    expect(allowed).toBe(true);
  });

  it('refuses an Observer State delegate Session I, which is for Member States only', async () => {
    // Act
    const allowed = await mayFollowFloor(deps, identityOf('delegate.vat@example.org'), 'session-1');

    // Assess
    expect(allowed).toBe(false);
  });

  it('refuses a delegate before the doors open and after the room closes', async () => {
    // Prepare
    const fra = identityOf('hod.fra@example.org');

    // Act
    now = new Date('2021-06-28T10:00:00-04:00');
    const early = await mayFollowFloor(deps, fra, 'session-1');
    now = new Date('2021-06-28T13:00:00-04:00');
    const late = await mayFollowFloor(deps, fra, 'session-1');

    // Assess
    expect([early, late]).toEqual([false, false]);
  });

  it('refuses a revoked participant and someone nobody registered', async () => {
    // Prepare
    await register(
      createParticipant({ id: 'p_fra0000000000000000b', email: 'gone.fra@example.org', revoked: true }),
    );

    // Act
    const revoked = await mayFollowFloor(deps, identityOf('gone.fra@example.org'), 'session-1');
    const stranger = await mayFollowFloor(deps, identityOf('nobody@example.org'), 'session-1');

    // Assess
    expect([revoked, stranger]).toEqual([false, false]);
  });

  it('lets a room’s moderator follow it at any hour, and no other room', async () => {
    // Prepare
    now = new Date('2021-06-27T00:00:00Z');

    // Act
    const own = await mayFollowFloor(deps, identityOf('moderator@example.org'), 'session-1');

    // Assess
    expect(own).toBe(true);
  });

  it('lets an organizer follow any room of the programme at any hour, and no room that is not in it', async () => {
    // Prepare
    const organizer = identityOf('organizer@example.org', true);
    now = new Date('2021-06-27T00:00:00Z');

    // Act
    const known = await mayFollowFloor(deps, organizer, 'session-1');
    const unknown = await mayFollowFloor(deps, organizer, 'session-9');

    // Assess
    expect([known, unknown]).toEqual([true, false]);
  });
});
