import { z } from 'zod';
import { organizerGroupSchema } from '#domain/identity.ts';

/**
 * The functions' configuration, parsed once at cold start: a missing or malformed variable stops the
 * function before it serves anything, with the variable's name in the message.
 */
const envSchema = z.object({
  TABLE_NAME: z.string().min(3),
  EVENT_ID: z.string().regex(/^[a-z0-9][a-z0-9-]{1,30}$/),
  AWS_REGION: z.string().default('us-east-1'),
  /** The Region whose Chime control plane creates the meetings (and emits their events). */
  CHIME_CONTROL_REGION: z.string().optional(),
  CHIME_MEDIA_REGION: z.string().default('us-east-1'),
  /** Local only: the Chime emulator's URL. Unset in AWS. */
  CHIME_ENDPOINT: z.url().optional(),
  /** Local only: DynamoDB Local's URL. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  ORGANIZER_GROUP: organizerGroupSchema.default('organizers'),
  GROUPS_CLAIM: z.string().min(1).default('cognito:groups'),
  EMAIL_CLAIM: z.string().min(1).default('email'),
  CHIME_RETRY_BUDGET_MS: z.coerce.number().int().min(0).max(25_000).default(8_000),
  /** Replica meetings per primary that the account allows (Chime's default quota 4; up to 40). */
  MAX_REPLICAS: z.coerce.number().int().min(0).max(40).default(4),
  /** Chime calls per second per operation, shared by every instance; 0 turns the shared limiter off. */
  CHIME_RATE_PER_SECOND: z.coerce.number().int().min(0).max(1000).default(9),
  /** The function that makes a room's attendees ahead (invoked asynchronously). */
  PROVISION_FUNCTION_NAME: z.string().min(1).optional(),
  /** The timer queue (the floor's warnings, deadlines and graces; rooms' closes): SQS with DelaySeconds. */
  TIMER_QUEUE_URL: z.url().optional(),
  /** Minutes between the record's signed checkpoints (the programme's record.checkpointMinutes). */
  CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  /** The record's signing key (an asymmetric KMS key, ECC_NIST_P256): id, ARN or alias. */
  RECORD_KEY_ID: z.string().min(1).optional(),
  /** The bucket (Object Lock, compliance mode) the signed checkpoints are written to. */
  CHECKPOINT_BUCKET: z.string().min(3).optional(),
  /** The bucket record exports are put in for their presigned download. */
  EXPORT_BUCKET: z.string().min(3).optional(),
  /**
   * The floor channel's AppSync Events HTTP domain (`…appsync-api.<region>.amazonaws.com`), set on the
   * functions granted publishing (ServiceFunction.bindFloorChannel). Unset locally: the stack passes its
   * own channel.
   */
  EVENTS_HTTP_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'must be a host name (no scheme, no path)')
    .optional(),
});

export type Config = z.infer<typeof envSchema> & { CHIME_CONTROL_REGION: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`floorpass configuration is invalid: ${problems}`);
  }
  return { ...parsed.data, CHIME_CONTROL_REGION: parsed.data.CHIME_CONTROL_REGION ?? parsed.data.AWS_REGION };
}
