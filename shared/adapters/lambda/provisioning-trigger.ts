import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ProvisioningTrigger } from '#ports/meetings.ts';

/**
 * Asks the provisioning function to make a room's attendees, asynchronously (InvocationType Event):
 * the join that created the meeting returns at once, and Lambda retries a failed run twice.
 */
export function createLambdaProvisioningTrigger(
  client: LambdaClient,
  functionName: string,
  onError: (error: unknown) => void,
): ProvisioningTrigger {
  return {
    async request(roomId) {
      try {
        await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify({ roomId })),
          }),
        );
      } catch (error) {
        // The join goes on without it: on-demand attendees, and the room's scheduled run, still come.
        onError(error);
      }
    },
  };
}
