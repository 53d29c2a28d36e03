import { randomInt } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createChimeClient, createChimeMeetingProvider } from '#adapters/chime/chime-meeting-provider.ts';
import { createAttendeeRepository } from '#adapters/dynamodb/attendee-repository.ts';
import { createAuditLog } from '#adapters/dynamodb/audit-log.ts';
import { createDocumentClient, type TableContext } from '#adapters/dynamodb/client.ts';
import { createDelegationRepository } from '#adapters/dynamodb/delegation-repository.ts';
import { createJoinContextReader } from '#adapters/dynamodb/join-context.ts';
import { createLedgerRepository, createUnmatchedEventLog } from '#adapters/dynamodb/ledger-repository.ts';
import { createMeetingDirectory, createMeetingRegistry } from '#adapters/dynamodb/meeting-registry.ts';
import { createParticipantRepository } from '#adapters/dynamodb/participant-repository.ts';
import { createProgrammeRepository } from '#adapters/dynamodb/programme-repository.ts';
import { createDynamoRateLimiter } from '#adapters/dynamodb/rate-limiter.ts';
import { createSeatRepository } from '#adapters/dynamodb/seat-repository.ts';
import { createLambdaProvisioningTrigger } from '#adapters/lambda/provisioning-trigger.ts';
import { loadConfig } from '#config/env.ts';
import type { ClaimsConfig } from '#http/request.ts';
import { logger } from '#observability/logger.ts';
import { countChimeThrottle, setMetricsEvent } from '#observability/metrics.ts';
import { systemClock } from '#ports/clock.ts';
import type { IdGenerator } from '#ports/ids.ts';
import { localOverrides } from './local-overrides.ts';

/**
 * The composition root shared by every function: configuration parsed once, AWS clients built once per
 * container, adapters wired to ports. Functions take what they need from it.
 */
export const config = loadConfig();

setMetricsEvent(config.EVENT_ID);

const table: TableContext = {
  tableName: config.TABLE_NAME,
  doc: createDocumentClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
  }),
};

const chimeClient = createChimeClient({
  region: config.CHIME_CONTROL_REGION,
  ...(config.CHIME_ENDPOINT ? { endpoint: config.CHIME_ENDPOINT } : {}),
});

// Locally only: every call, as the IAM actions it needs, for the check that grants cover what runs.
if (localOverrides.onSdkCall) {
  const report = localOverrides.onSdkCall;
  table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      report('dynamodb', dynamoActions(context.commandName ?? '', args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: 'floorpassLocalSdkCalls' },
  );
  chimeClient.middlewareStack.add(
    (next, context) => async (args) => {
      report('chime', [(context.commandName ?? '').replace(/Command$/, '')]);
      return next(args);
    },
    { step: 'initialize', name: 'floorpassLocalSdkCalls' },
  );
}

/** The IAM actions of a DynamoDB call: a transaction is checked item by item. */
function dynamoActions(commandName: string, input: Record<string, unknown>): string[] {
  const name = commandName.replace(/Command$/, '');
  if (name === 'TransactWriteItems' || name === 'TransactWrite') {
    const items = (input.TransactItems ?? []) as Record<string, unknown>[];
    const byKind: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return [...new Set(items.flatMap((i) => Object.keys(i).map((k) => byKind[k] ?? k)))];
  }
  if (name === 'TransactGetItems' || name === 'TransactGet') return ['GetItem'];
  const documentNames: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
  };
  return [documentNames[name] ?? name];
}

export const claims: ClaimsConfig = {
  emailClaim: config.EMAIL_CLAIM,
  groupsClaim: config.GROUPS_CLAIM,
  organizerGroup: config.ORGANIZER_GROUP,
};

/** `length` random base-36 characters, each uniform (randomInt avoids the modulo bias of bytes % 36). */
const base36 = (length: number) => Array.from({ length }, () => randomInt(36).toString(36)).join('');

export const ids: IdGenerator = {
  participantId: () => `p_${base36(20)}`,
  placementNonce: () => base36(8),
  auditId: (now) => `${now.getTime().toString(36).padStart(9, '0')}${base36(10)}`,
};

const provisioning =
  localOverrides.provisioning ??
  (config.PROVISION_FUNCTION_NAME
    ? createLambdaProvisioningTrigger(
        new LambdaClient({ region: config.AWS_REGION }),
        config.PROVISION_FUNCTION_NAME,
        (error) => logger.error('provisioning request failed', { error: error as Error }),
      )
    : undefined);

export const deps = {
  eventId: config.EVENT_ID,
  maxReplicas: config.MAX_REPLICAS,
  ...(provisioning ? { provisioning } : {}),
  joinContext: createJoinContextReader(table),
  clock: localOverrides.clock ?? systemClock,
  ids,
  programme: createProgrammeRepository(table),
  delegations: createDelegationRepository(table),
  participants: createParticipantRepository(table),
  seats: createSeatRepository(table),
  registry: createMeetingRegistry(table),
  attendees: createAttendeeRepository(table),
  audit: createAuditLog(table),
  ledger: createLedgerRepository(table),
  unmatched: createUnmatchedEventLog(table),
  directory: createMeetingDirectory(table),
  meetings: createChimeMeetingProvider({
    client: chimeClient,
    mediaRegion: config.CHIME_MEDIA_REGION,
    retryBudgetMs: config.CHIME_RETRY_BUDGET_MS,
    // The line says which call in which request; the metric is what the ChimeThrottling alarm counts.
    onThrottle: (operation) => {
      logger.warn('chime throttled', { operation });
      countChimeThrottle(operation);
    },
    ...(config.CHIME_RATE_PER_SECOND > 0
      ? { limiter: createDynamoRateLimiter(table, { ratePerSecond: config.CHIME_RATE_PER_SECOND }) }
      : {}),
  }),
};
