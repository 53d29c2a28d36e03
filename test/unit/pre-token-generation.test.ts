/**
 * The user pool's pre token generation trigger against Cognito's V1_0 event: the organizer group leaves
 * the token unless AdminGetUser reports TOTP, and nobody else's MFA is looked up. Cognito is mocked at
 * the client.
 */
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

const cognito = mockClient(CognitoIdentityProviderClient);
let preTokenGeneration: (event: PreTokenGenerationTriggerEvent) => Promise<PreTokenGenerationTriggerEvent>;

/** A V1_0 event as Cognito sends it (user-pool-lambda-pre-token-generation in the Cognito guide). */
const eventFor = (groups: string[]): PreTokenGenerationTriggerEvent => ({
  version: '1',
  triggerSource: 'TokenGeneration_Authentication',
  region: 'us-east-1',
  userPoolId: 'us-east-1_Example',
  userName: '0f5e1c2a-user',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client-1' },
  request: {
    userAttributes: { sub: '0f5e1c2a-user', email: 'organizer@example.org', email_verified: 'true' },
    groupConfiguration: {
      groupsToOverride: groups,
      iamRolesToOverride: [],
      preferredRole: null as unknown as undefined,
    },
  },
  response: {
    claimsOverrideDetails:
      null as unknown as PreTokenGenerationTriggerEvent['response']['claimsOverrideDetails'],
  },
});

const groupsIn = (event: PreTokenGenerationTriggerEvent) =>
  event.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride;

describe('Function: pre-token-generation', () => {
  beforeAll(async () => {
    Object.assign(process.env, {
      ORGANIZER_GROUP: 'organizers',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    ({ preTokenGeneration } = await import('../../functions/pre-token-generation.ts'));
  });

  beforeEach(() => cognito.reset());

  it('keeps the organizer group of an organizer with TOTP activated, asking the pool of the event', async () => {
    // Prepare
    cognito.on(AdminGetUserCommand).resolves({
      Username: '0f5e1c2a-user',
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    });
    // Act
    const out = await preTokenGeneration(eventFor(['staff', 'organizers']));
    // Assess
    expect(groupsIn(out)).toEqual(['staff', 'organizers']);
    expect(cognito.commandCalls(AdminGetUserCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: 'us-east-1_Example', Username: '0f5e1c2a-user' },
    ]);
  });

  it('withholds the organizer group from an organizer without TOTP, keeping the other groups and roles', async () => {
    // Prepare
    cognito.on(AdminGetUserCommand).resolves({ Username: '0f5e1c2a-user' });
    const event = eventFor(['organizers', 'staff']);
    event.request.groupConfiguration.iamRolesToOverride = ['arn:aws:iam::111122223333:role/staff'];
    // Act
    const out = await preTokenGeneration(event);
    // Assess
    expect(out.response.claimsOverrideDetails).toEqual({
      groupOverrideDetails: {
        groupsToOverride: ['staff'],
        iamRolesToOverride: ['arn:aws:iam::111122223333:role/staff'],
      },
    });
  });

  it('withholds the organizer group when the pool cannot be asked, and still lets the person sign in', async () => {
    // Prepare
    cognito
      .on(AdminGetUserCommand)
      .rejects(new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }));
    // Act
    const out = await preTokenGeneration(eventFor(['organizers']));
    // Assess
    expect(groupsIn(out)).toEqual([]);
  });

  it('hands a delegate’s groups back unchanged without looking up their MFA', async () => {
    // Act
    const out = await preTokenGeneration(eventFor(['staff']));
    const none = await preTokenGeneration(eventFor([]));
    // Assess
    expect(groupsIn(out)).toEqual(['staff']);
    expect(groupsIn(none)).toEqual([]);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });
});
