import { describe, expect, it } from 'vitest';
import { hasTotp, needsMfaCheck, TOTP_MFA, tokenGroups } from '#domain/organizer-mfa.ts';

const organizers = 'organizers';
const totp = { enabled: [TOTP_MFA] };

describe('Domain: organizer MFA', () => {
  it('keeps an organizer with TOTP activated in the organizer group', () => {
    // Act
    const decision = tokenGroups(['staff', organizers], organizers, totp);
    // Assess
    expect(decision).toEqual({ groups: ['staff', organizers], organizerGroupWithheld: false });
  });

  it('withholds the organizer group, and only it, from an organizer without TOTP', () => {
    // Act
    const none = tokenGroups(['staff', organizers, 'press'], organizers, { enabled: [] });
    const smsOnly = tokenGroups([organizers], organizers, { enabled: ['SMS_MFA'] });
    // Assess
    expect(none).toEqual({ groups: ['staff', 'press'], organizerGroupWithheld: true });
    expect(smsOnly).toEqual({ groups: [], organizerGroupWithheld: true });
  });

  it('fails closed: withholds the organizer group when the MFA settings could not be read', () => {
    // Act
    const decision = tokenGroups([organizers, 'staff'], organizers, undefined);
    // Assess
    expect(decision).toEqual({ groups: ['staff'], organizerGroupWithheld: true });
  });

  it('leaves everyone else’s groups alone, without needing their MFA settings', () => {
    // Act
    const delegate = tokenGroups(['staff'], organizers, undefined);
    const nobody = tokenGroups([], organizers, undefined);
    // Assess
    expect(needsMfaCheck(['staff'], organizers)).toBe(false);
    expect(needsMfaCheck(['staff', organizers], organizers)).toBe(true);
    expect(delegate).toEqual({ groups: ['staff'], organizerGroupWithheld: false });
    expect(nobody).toEqual({ groups: [], organizerGroupWithheld: false });
  });

  it('matches the organizer group by its exact name only, whatever it is configured to', () => {
    // Act
    const decision = tokenGroups(['secretariat', 'secretariat-observers'], 'secretariat', { enabled: [] });
    // Assess
    expect(decision.groups).toEqual(['secretariat-observers']);
    expect(hasTotp({ enabled: ['software_token_mfa'] })).toBe(false);
    expect(hasTotp({ enabled: ['SMS_MFA', TOTP_MFA] })).toBe(true);
  });
});
