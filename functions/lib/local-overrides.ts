import type { Clock } from '#ports/clock.ts';
import type { ProvisioningTrigger } from '#ports/meetings.ts';

/**
 * Set only by the local stack (local/), before it imports a function: the adjustable local clock, and
 * the in-process stand-in for the asynchronous invocation of the provisioning function. In AWS nothing
 * sets them: the functions use the system clock and Lambda.
 */
export const localOverrides: {
  clock?: Clock;
  provisioning?: ProvisioningTrigger;
  /** Told of every AWS API call the functions make, as the IAM actions it needs (local checks only). */
  onSdkCall?: (service: 'dynamodb' | 'chime', actions: string[]) => void;
} = {};
