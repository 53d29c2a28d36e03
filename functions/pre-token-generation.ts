import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import middy from '@middy/core';
import type { Context, PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { z } from 'zod';
import { organizerGroupSchema } from '#domain/identity.ts';
import { type MfaSettings, needsMfaCheck, tokenGroups } from '#domain/organizer-mfa.ts';
import { logger } from '#observability/logger.ts';

/**
 * The user pool's pre token generation trigger (V1_0 event, on sign-in, first password change and
 * every refresh): the organizer group stays in a token only for a user with TOTP activated
 * (shared/domain/organizer-mfa.ts). The event carries the user's attributes and groups but not their MFA
 * settings, so an organizer's are read with AdminGetUser; nobody else's are.
 */
const env = z
  .object({
    ORGANIZER_GROUP: organizerGroupSchema,
    AWS_REGION: z.string().min(1),
  })
  .safeParse(process.env);
if (!env.success) {
  const problems = env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`floorpass configuration is invalid: ${problems}`);
}
const { ORGANIZER_GROUP: organizerGroup, AWS_REGION: region } = env.data;

// Cognito waits 5 seconds for a trigger, then fails the sign-in. One retry and a 3-second cap on the
// call (retries included) leave an answer, with or without the organizer group, inside that.
const cognito = new CognitoIdentityProviderClient({ region, maxAttempts: 2 });
const CALL_TIMEOUT_MS = 3000;

/** The user's activated MFA methods; undefined when the pool could not be asked (the caller fails closed). */
async function mfaSettingsOf(userPoolId: string, username: string): Promise<MfaSettings | undefined> {
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }), {
      abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    return { enabled: user.UserMFASettingList ?? [] };
  } catch (error) {
    logger.error('AdminGetUser failed', { error: error as Error });
    return undefined;
  }
}

export async function preTokenGeneration(
  event: PreTokenGenerationTriggerEvent,
): Promise<PreTokenGenerationTriggerEvent> {
  const { groupsToOverride = [], iamRolesToOverride, preferredRole } = event.request.groupConfiguration;
  const mfa = needsMfaCheck(groupsToOverride, organizerGroup)
    ? await mfaSettingsOf(event.userPoolId, event.userName)
    : undefined;
  const decision = tokenGroups(groupsToOverride, organizerGroup, mfa);
  if (decision.organizerGroupWithheld) {
    // The subject, never the email: the person is found in the pool by it, and logs stay free of PII.
    logger.warn('organizer group withheld', {
      reason: mfa ? 'no TOTP activated' : 'MFA settings not read',
      sub: event.request.userAttributes.sub,
      triggerSource: event.triggerSource,
    });
  }
  // groupOverrideDetails replaces the whole group configuration (and cognito:groups in the ID and the
  // access token), so the roles are handed back as they came. The organizer group maps to no IAM role.
  event.response.claimsOverrideDetails = {
    groupOverrideDetails: {
      groupsToOverride: decision.groups,
      ...(iamRolesToOverride ? { iamRolesToOverride } : {}),
      ...(preferredRole ? { preferredRole } : {}),
    },
  };
  return event;
}

export const handler = middy<PreTokenGenerationTriggerEvent, PreTokenGenerationTriggerEvent, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(preTokenGeneration);
