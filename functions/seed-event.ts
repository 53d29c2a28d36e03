import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  Context,
} from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { createDelegationRepository } from '#adapters/dynamodb/delegation-repository.ts';
import { createProgrammeRepository } from '#adapters/dynamodb/programme-repository.ts';
import { loadConfig } from '#config/env.ts';
import { validateProgramme } from '#domain/programme.ts';
import { logger } from '#observability/logger.ts';
import { seedEvent } from '#use-cases/seed-event.ts';
import { failureReason, respondToCloudFormation, responseBase } from './lib/cloudformation.ts';

/**
 * Deploy-time seeding, as a CloudFormation custom resource (Custom::FloorpassSeed). Create and Update
 * run seedEvent with the programme passed as the `Programme` property (the file validated at synthesis,
 * as JSON); Delete does nothing, because the table and its records outlive the stack.
 *
 * Every outcome, including a bad configuration, is reported to CloudFormation: a function that failed
 * silently would leave the deployment waiting until the custom resource's service timeout. That is why
 * the configuration is read on the first call rather than at import, unlike the HTTP functions.
 */
let deps: ReturnType<typeof wire> | undefined;

function wire() {
  const config = loadConfig();
  const table = {
    tableName: config.TABLE_NAME,
    doc: createDocumentClient({
      region: config.AWS_REGION,
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    }),
  };
  return {
    eventId: config.EVENT_ID,
    programme: createProgrammeRepository(table),
    delegations: createDelegationRepository(table),
  };
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  // Stable across updates, so CloudFormation never sees a replacement (and never sends a Delete for one).
  const physicalResourceId =
    event.RequestType === 'Create' ? `${event.LogicalResourceId}-programme` : event.PhysicalResourceId;
  const base = responseBase(event, physicalResourceId);
  let response: CloudFormationCustomResourceResponse;
  try {
    if (event.RequestType === 'Delete') {
      logger.info('seed: delete, records kept', { physicalResourceId });
      response = { ...base, Status: 'SUCCESS' };
    } else {
      deps ??= wire();
      const programme = validateProgramme(
        JSON.parse(String(event.ResourceProperties.Programme)),
        'the Programme property',
      );
      if (programme.event.id !== deps.eventId) {
        throw new Error(`the programme is for ${programme.event.id}, this stack for ${deps.eventId}`);
      }
      const seeded = await seedEvent(deps, programme);
      logger.info('seed: done', { requestType: event.RequestType, ...seeded });
      response = { ...base, Status: 'SUCCESS', Data: seeded };
    }
  } catch (error) {
    logger.error('seed: failed', { requestType: event.RequestType, error: error as Error });
    response = { ...base, Status: 'FAILED', Reason: failureReason(error, context.logStreamName) };
  }
  await respondToCloudFormation(event.ResponseURL, response);
}
