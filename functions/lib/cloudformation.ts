import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { logger } from '#observability/logger.ts';

/**
 * Sends a custom resource's outcome to CloudFormation: a PUT to the pre-signed S3 URL it waits on, with
 * no Content-Type (the URL does not sign one, so sending it would break the signature). Shared by every
 * custom resource function: a function that failed to answer leaves the deployment waiting until the
 * resource's service timeout.
 */
export async function respondToCloudFormation(
  url: string,
  response: CloudFormationCustomResourceResponse,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(response));
  const result = await fetch(url, { method: 'PUT', body });
  if (!result.ok) {
    logger.error('CloudFormation did not take the response', {
      status: result.status,
      logicalResourceId: response.LogicalResourceId,
    });
    throw new Error(`CloudFormation response rejected with HTTP ${result.status}`);
  }
}

/** Why a custom resource failed, as CloudFormation shows it (the whole response must stay under 4 KB). */
export function failureReason(error: unknown, logStreamName: string): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `${reason.slice(0, 2000)} (log stream ${logStreamName})`;
}

/** The fields every response to `event` carries, whatever its status. */
export const responseBase = (event: CloudFormationCustomResourceEvent, physicalResourceId: string) => ({
  PhysicalResourceId: physicalResourceId,
  StackId: event.StackId,
  RequestId: event.RequestId,
  LogicalResourceId: event.LogicalResourceId,
});
