import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { Identity } from '#domain/identity.ts';
import { type ClaimsConfig, identityFromClaims } from '#http/request.ts';
import { logger } from '#observability/logger.ts';
import { roomOfFloorChannel } from '#ports/room-channel.ts';
import { mayFollowFloor } from '#use-cases/floor.ts';
import { claims, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/**
 * The `floor` namespace's onSubscribe handler, a direct Lambda integration (infra/constructs/
 * floor-channel.ts says why this and not a Lambda authorizer). AppSync has verified the subscriber's
 * JWT (the event's user pool, or its OIDC provider) before it calls this, and hands over the verified
 * claims in `identity`; this decides whether that person may follow the room (mayFollowFloor in use-cases/floor.ts)
 * and answers `null` to let the subscription start, or `{ error }` to refuse it (the client gets a
 * `subscribe_error`).
 */

/** What AppSync Events sends a direct Lambda integration for a subscribe (the parts read here). */
const subscribeEventSchema = z.object({
  // Cognito user pools and OIDC both carry the token's claims; IAM, API keys and Lambda authorizers
  // do not (the namespace takes none of them for subscribing).
  identity: z.object({ claims: z.record(z.string(), z.unknown()) }).nullable(),
  info: z.object({
    channel: z.object({ path: z.string(), segments: z.array(z.string()) }),
    channelNamespace: z.object({ name: z.string() }),
    operation: z.literal('SUBSCRIBE'),
  }),
});

/** The answer AppSync Events takes from an onSubscribe Lambda: null allows, `{ error }` refuses. */
export type SubscribeAnswer = { error: string } | null;

/** Whether an identity may follow a channel; the local Events server asks the same. */
export type FollowCheck = (identity: Identity, channel: string) => Promise<boolean>;

const refused = (error: string): SubscribeAnswer => ({ error });
const NOT_ALLOWED = "Unauthorized: you may not follow this room's floor now.";

/**
 * Reads the subscribe event and answers it. Fails closed: a malformed event, an identity without a
 * verified email, a channel that is not one room's, or a failed check all refuse the subscription.
 */
export async function answerSubscribe(
  event: unknown,
  claimsConfig: ClaimsConfig,
  follows: FollowCheck,
): Promise<SubscribeAnswer> {
  const parsed = subscribeEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.warn('floor subscribe refused', { reason: 'not a subscribe event' });
    return refused('Unauthorized: not a subscribe request.');
  }
  const { identity: caller, info } = parsed.data;
  const channel = info.channel.path;
  const roomId = roomOfFloorChannel(channel);
  if (!roomId) {
    logger.info('floor subscribe refused', { channel, reason: 'not a room channel' });
    return refused('Unauthorized: subscribe to one room, /floor/{sessionId}.');
  }
  let identity: Identity;
  try {
    identity = identityFromClaims(caller?.claims, claimsConfig);
  } catch {
    logger.info('floor subscribe refused', { roomId, reason: 'no verified email in the token' });
    return refused('Unauthorized: sign in with a token that carries a verified email.');
  }
  try {
    const allowed = await follows(identity, channel);
    logger.info(allowed ? 'floor subscribe allowed' : 'floor subscribe refused', {
      roomId,
      ...(allowed ? {} : { reason: 'policy' }),
    });
    return allowed ? null : refused(NOT_ALLOWED);
  } catch (error) {
    logger.error('floor subscribe check failed', { roomId, error: error as Error });
    return refused('The floor channel could not check your access; subscribe again.');
  }
}

/** The subscribe decision with this instance's repositories: the one rule, for AWS and the local server. */
export function createFollowCheck(overrides: RuntimeOverrides = {}): FollowCheck {
  const r = createRuntime(overrides);
  const deps = {
    participants: r.participants(),
    delegations: r.delegations(),
    programme: r.programme(),
    clock: r.clock,
  };
  return async (identity, channel) => {
    const roomId = roomOfFloorChannel(channel);
    return roomId !== null && mayFollowFloor(deps, identity, roomId);
  };
}

/** The namespace's onSubscribe handler (direct Lambda integration, request/response). */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const follows = createFollowCheck(overrides);
  return middy<unknown, SubscribeAnswer, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event) => answerSubscribe(event, claims, follows));
}

export const handler = createHandler();
