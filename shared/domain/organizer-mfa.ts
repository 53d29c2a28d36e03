/**
 * Organizers must sign in with TOTP. Cognito cannot require MFA of one group only, so the user pool's
 * pre token generation trigger (functions/pre-token-generation.ts) decides, for every token it issues,
 * whether the organizer group may stay in it. The functions take organizer rights from that group claim
 * alone (shared/http/request.ts), so a token without the group carries no organizer rights.
 *
 * Primary course: a user outside the organizer group keeps their groups unchanged (their MFA is not
 * even looked up); an organizer with TOTP enabled keeps them too; an organizer without TOTP, or whose
 * MFA settings could not be read, gets every group but the organizer group.
 */

/** Cognito's name for TOTP (authenticator app) MFA in a user's `UserMFASettingList`. */
export const TOTP_MFA = 'SOFTWARE_TOKEN_MFA';

/** What the user pool reports of a user's MFA (AdminGetUser): the methods activated for them. */
export interface MfaSettings {
  /** `UserMFASettingList`: empty or absent until the user has activated a method. */
  enabled: readonly string[];
}

/** Whether the user's groups include the one that needs TOTP: only then is their MFA worth a lookup. */
export function needsMfaCheck(groups: readonly string[], organizerGroup: string): boolean {
  return groups.includes(organizerGroup);
}

/**
 * True when TOTP is activated for the user. Cognito then challenges for it at every sign-in: adaptive
 * authentication never skips an MFA method activated at the user level, and the pool remembers no
 * devices that could.
 */
export function hasTotp(mfa: MfaSettings): boolean {
  return mfa.enabled.includes(TOTP_MFA);
}

export interface TokenGroups {
  /** The groups to write into the token, in their original order. */
  groups: string[];
  /** True when the organizer group was left out because the user has no TOTP. */
  organizerGroupWithheld: boolean;
}

/**
 * The groups a token may carry. `mfa` undefined means the settings could not be read: the organizer
 * group is then withheld (fail closed), and every other group is kept so the person can still sign in.
 */
export function tokenGroups(
  groups: readonly string[],
  organizerGroup: string,
  mfa: MfaSettings | undefined,
): TokenGroups {
  if (!needsMfaCheck(groups, organizerGroup) || (mfa !== undefined && hasTotp(mfa))) {
    return { groups: [...groups], organizerGroupWithheld: false };
  }
  return { groups: groups.filter((g) => g !== organizerGroup), organizerGroupWithheld: true };
}
