import { describe, expect, it } from 'vitest';
import { isFiltering, participantMatcher } from '#domain/participants.ts';
import { createParticipant } from '../fixtures/factories.ts';

describe('Function: participantMatcher', () => {
  const zoe = createParticipant({ name: 'Zoë Müller', email: 'zoe@example.org', role: 'HeadOfDelegation' });
  const hans = createParticipant({ name: 'Hans Muller', email: 'hans@example.org', revoked: true });

  it('finds text in the name or the email, without regard to case or accents', () => {
    // Prepare
    const muller = participantMatcher({ text: 'MULLER' });
    const zoeByAccent = participantMatcher({ text: 'zoë' });
    const byEmail = participantMatcher({ text: 'hans@' });

    // Assess
    expect([zoe, hans].filter(muller)).toEqual([zoe, hans]);
    expect([zoe, hans].filter(zoeByAccent)).toEqual([zoe]);
    expect([zoe, hans].filter(byEmail)).toEqual([hans]);
  });

  it('combines role, revoked and text: every criterion given must hold', () => {
    expect([zoe, hans].filter(participantMatcher({ role: 'HeadOfDelegation' }))).toEqual([zoe]);
    expect([zoe, hans].filter(participantMatcher({ revoked: true }))).toEqual([hans]);
    expect([zoe, hans].filter(participantMatcher({ revoked: false, text: 'muller' }))).toEqual([zoe]);
    expect([zoe, hans].filter(participantMatcher({ revoked: true, role: 'HeadOfDelegation' }))).toEqual([]);
  });

  it('matches everyone without a criterion, and says so', () => {
    expect([zoe, hans].filter(participantMatcher({}))).toEqual([zoe, hans]);
    expect(isFiltering({})).toBe(false);
    expect(isFiltering({ revoked: false })).toBe(true);
  });
});
