import { resolve } from 'node:path';
import type { Node } from 'constructs';
import { z } from 'zod';
import { chimeMediaRegions } from '#adapters/chime/media-regions.ts';
import { loadProgrammeFile } from '#config/programme-file.ts';
import { organizerGroupSchema } from '#domain/identity.ts';
import { type Programme, ProgrammeError } from '#domain/programme.ts';

/**
 * Everything a deployment is made from: the programme file (validated with the runtime's own zod
 * schema) and the context values IT staff pass on the command line (`-c key=value`). Read once, at
 * synthesis, with no AWS account and no network.
 */
export interface DeployConfig {
  programmeFile: string;
  programme: Programme;
  stage: string | undefined;
  /** CloudFormation stack name: one stack per event (and stage), so two events never share a resource. */
  stackName: string;
  /** The Region whose Chime media servers host the meetings (the control Region is the stack's Region). */
  chimeMediaRegion: string;
  /** Replica meetings per room's primary meeting (MAX_REPLICAS): what the account's Chime quota allows. */
  maxReplicas: number;
  /** Chime calls per second per operation, paced by the shared limiter (CHIME_RATE_PER_SECOND); 0: off. */
  chimeRatePerSecond: number;
  auth: CognitoAuth | OidcAuth;
  claims: { emailClaim: string; groupsClaim: string; organizerGroup: string };
  /** Browser origins allowed by CORS; none by default (server-to-server and native clients need none). */
  corsOrigins: string[];
  /** The verifiable record: the programme's `record` block, its retention required to deploy. */
  record: { checkpointMinutes: number; retentionDays: number };
  /** The console's hosting: CloudFront's own domain, or a custom domain with its certificate. */
  console: ConsoleHosting;
}

export interface ConsoleHosting {
  /** A custom domain for the console (e.g. console.hlc.example.org); undefined: CloudFront's own. */
  domainName?: string;
  /** The ACM certificate for `domainName`, in us-east-1 (CloudFront takes certificates from there only). */
  certificateArn?: string;
  /** With an external OIDC provider: the console's client id there (one of the audiences; the first by default). */
  clientId?: string;
}

export interface CognitoAuth {
  kind: 'cognito';
  /**
   * `optional`: TOTP available to everyone and required of organizers (a token of a user without TOTP
   * leaves the organizer group out: functions/pre-token-generation.ts); `required`: TOTP for everyone.
   */
  mfa: 'optional' | 'required';
  /** OAuth authorization-code callbacks; none means SRP sign-in only and no hosted domain. */
  callbackUrls: string[];
  /**
   * Sign-in email (invitations, codes) through Amazon SES from this verified address, instead of
   * Cognito's default sender and its low daily quota; undefined keeps the default.
   */
  sesFromEmail?: string;
  /** Prefix of the hosted sign-in domain (only with callback URLs); unique per Region across AWS. */
  domainPrefix: string | undefined;
}

export interface OidcAuth {
  kind: 'oidc';
  issuer: string;
  audience: string[];
}

/** A context value that is missing or malformed; its message is meant for the person at the terminal. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `a,b, c` or a JSON array (tests pass arrays) → trimmed, non-empty strings. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

/** A browser origin: scheme, host and optional port; plain http only for local development. */
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    return (
      (url.protocol === 'https:' || (url.protocol === 'http:' && local)) &&
      url.origin === value.replace(/\/$/, '')
    );
  } catch {
    return false;
  }
}, 'must be an origin such as https://app.example.org (https, no path)');

const httpsUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
  } catch {
    return false;
  }
}, 'must be an https URL');

/** `-c key=N` arrives as a string from the command line, as a number from cdk.json or a test. */
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

const contextSchema = z
  .object({
    event: z.string({ error: 'is required: pass the programme file, e.g. -c event=events/hlc-2021.yaml' }),
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/, 'must be lower-case letters, digits and hyphens (1–16)')
      .optional(),
    chimeMediaRegion: z.enum(chimeMediaRegions).default('us-east-1'),
    // Chime's default quota is 4 replica meetings per primary; Service Quotas raises it up to 40. More
    // than the account allows makes CreateMeeting fail when a room overflows, so it is a deploy setting.
    maxReplicas: wholeNumber(0, 40).default(4),
    // The shared limiter (shared/adapters/dynamodb/rate-limiter.ts) paces each Chime operation at this many
    // calls a second across every instance of this stack's functions. It must stay below the account's
    // Chime rate quota for the control Region (10 calls a second per operation by default), or callers meet
    // throttles again; raise it only after Service Quotas has raised that quota. The quota is per account
    // and Region while the limiter counts per event table: two events deployed in one account and Region
    // must share it (e.g. -c chimeRatePerSecond=4 each). 0 turns the limiter off (the adapter's retries only).
    chimeRatePerSecond: wholeNumber(0, 1000).default(9),
    jwtIssuer: httpsUrl.optional(),
    jwtAudience: list.optional(),
    corsOrigins: list.pipe(z.array(origin)).default([]),
    callbackUrls: list.pipe(z.array(httpsUrl)).default([]),
    authDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and hyphens')
      .optional(),
    mfa: z.enum(['optional', 'required']).default('optional'),
    // A sender address (or domain) verified in SES in the stack's Region, out of the SES sandbox.
    sesFromEmail: z.email({ message: 'must be an email address verified in Amazon SES' }).optional(),
    emailClaim: z.string().min(1).default('email'),
    groupsClaim: z.string().min(1).optional(),
    organizerGroup: organizerGroupSchema.default('organizers'),
    consoleDomain: z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        'must be a lower-case host name such as console.example.org',
      )
      .optional(),
    consoleCertificateArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
        'must be the ARN of an ACM certificate in us-east-1 (CloudFront takes certificates from there only)',
      )
      .optional(),
    consoleClientId: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.consoleDomain === undefined) !== (c.consoleCertificateArn === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.consoleDomain === undefined ? 'consoleDomain' : 'consoleCertificateArn'],
        message:
          'consoleDomain and consoleCertificateArn go together (a custom domain needs its certificate)',
      });
    }
    if ((c.jwtIssuer === undefined) !== (c.jwtAudience === undefined || c.jwtAudience.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.jwtIssuer === undefined ? 'jwtIssuer' : 'jwtAudience'],
        message: 'jwtIssuer and jwtAudience go together (an external OIDC provider needs both)',
      });
    }
  });

const contextKeys = Object.keys(contextSchema.shape);

/**
 * Reads the deployment's context and programme file. Throws ConfigError (a bad or missing context
 * value) or ProgrammeError (a bad programme file, naming the path of each bad field).
 */
export function readDeployConfig(node: Node): DeployConfig {
  const raw = Object.fromEntries(
    contextKeys.map((key) => [key, node.tryGetContext(key)]).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - -c ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`floorpass: invalid deployment context\n${problems.join('\n')}`);
  }
  const c = parsed.data;
  const programmeFile = resolve(c.event);
  const programme = loadProgrammeFile(programmeFile);
  const eventId = programme.event.id;
  const { checkpointMinutes, retentionDays } = programme.record;
  if (retentionDays === undefined) {
    // Compliance-mode Object Lock cannot be shortened after the deployment: the programme file says how
    // long, explicitly (shared/domain/programme.ts, recordSettingsSchema).
    throw new ProgrammeError(programmeFile, [
      {
        path: 'record.retentionDays',
        message:
          'is required to deploy: the days each signed checkpoint is kept under S3 Object Lock in compliance ' +
          'mode, which nobody can shorten afterwards. Take it from the retention schedule of the office of ' +
          'record (e.g. 2555 for seven years)',
      },
    ]);
  }
  // The identity provider: `-c jwtIssuer/-c jwtAudience` first (a stage may trust a test provider), then
  // the programme file's `identity` block, else a Cognito user pool of the event's own.
  const external =
    c.jwtIssuer !== undefined && c.jwtAudience !== undefined
      ? { issuer: c.jwtIssuer, audience: c.jwtAudience }
      : programme.identity;
  if (c.consoleClientId !== undefined && !external?.audience.includes(c.consoleClientId)) {
    throw new ConfigError(
      'floorpass: invalid deployment context\n  - -c consoleClientId: must be one of the OIDC provider’s audiences ' +
        '(jwtAudience or the programme file’s identity.audience)',
    );
  }
  const auth: CognitoAuth | OidcAuth = external
    ? { kind: 'oidc', issuer: external.issuer, audience: [...external.audience] }
    : {
        kind: 'cognito',
        mfa: c.mfa,
        callbackUrls: c.callbackUrls,
        ...(c.sesFromEmail ? { sesFromEmail: c.sesFromEmail } : {}),
        domainPrefix: c.authDomainPrefix,
      };
  return {
    programmeFile,
    programme,
    stage: c.stage,
    stackName: stackNameFor(eventId, c.stage),
    chimeMediaRegion: c.chimeMediaRegion,
    maxReplicas: c.maxReplicas,
    chimeRatePerSecond: c.chimeRatePerSecond,
    auth,
    claims: {
      emailClaim: c.emailClaim,
      // Cognito puts groups in `cognito:groups`; most other OIDC providers use `groups`.
      groupsClaim: c.groupsClaim ?? (auth.kind === 'cognito' ? 'cognito:groups' : 'groups'),
      organizerGroup: c.organizerGroup,
    },
    corsOrigins: c.corsOrigins,
    record: { checkpointMinutes, retentionDays },
    console: {
      ...(c.consoleDomain ? { domainName: c.consoleDomain } : {}),
      ...(c.consoleCertificateArn ? { certificateArn: c.consoleCertificateArn } : {}),
      ...(c.consoleClientId ? { clientId: c.consoleClientId } : {}),
    },
  };
}

/** `floorpass-<event-id>[-<stage>]`: starts with a letter whatever the event id, as CloudFormation requires. */
export function stackNameFor(eventId: string, stage: string | undefined): string {
  return stage ? `floorpass-${eventId}-${stage}` : `floorpass-${eventId}`;
}
