import { z } from 'zod';
import { delegationCategorySchema } from './delegations.ts';
import { emailSchema, participantRoleSchema } from './participants.ts';

/** A session room id: its path segment in the API, its ExternalMeetingId suffix in Chime. */
export const roomIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'must be lower-case letters, digits and hyphens');
const FIRST_INSTANT = Date.parse('0000-01-01T00:00:00Z');
const AFTER_LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z') + 1;

/**
 * An ISO 8601 instant with an offset, in the years 0000–9999 once in UTC: `9999-12-31T23:59:59-23:59`
 * is a valid string whose instant is in the year 10000, which no RFC 3339 timestamp can write (JavaScript
 * gives `+010000-01-01T…`), and which sorts before every other instant as a DynamoDB sort key.
 */
export const instantSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 instant with an offset' })
  .refine((s) => {
    const at = Date.parse(s);
    return at >= FIRST_INSTANT && at < AFTER_LAST_INSTANT;
  }, 'must lie between the years 0000 and 9999 in UTC');

export const sessionSchema = z
  .strictObject({
    id: roomIdSchema,
    title: z.string().min(3).max(300),
    /** Break-outs name the group they belong to (e.g. session-2); plenary rooms have none. */
    parent: roomIdSchema.nullable().default(null),
    start: instantSchema,
    end: instantSchema,
    audience: z.array(delegationCategorySchema).min(1),
    speakers: z.array(participantRoleSchema).default([]),
    /**
     * Invited presenters from outside the audience: participants of these categories with these roles
     * join the room to present (Session I is open to Member States only, yet features UN entities and
     * international and regional organizations). They may speak; the rest of their category may not join.
     */
    presenters: z
      .strictObject({
        categories: z.array(delegationCategorySchema).min(1),
        roles: z.array(participantRoleSchema).min(1),
      })
      .optional(),
    /**
     * Who speaks only when given the floor (concept note, para. 3: Member State Heads of Delegation in the
     * thematic sessions): they join listen-only and are heard while they hold it. Omitted: no floor.
     */
    floor: z
      .strictObject({
        categories: z.array(delegationCategorySchema).min(1),
        roles: z.array(participantRoleSchema).min(1),
      })
      .optional(),
    /** The room's moderators, by participant email: they run its floor (organizers can change them). */
    moderators: z.array(emailSchema).max(50).default([]),
    /** Longest intervention from the floor, in seconds; null where the room sets none. */
    interventionLimitSeconds: z.number().int().min(30).max(3600).nullable().default(null),
    /** Hybrid rooms have an in-person audience: a State's seat holder is in the room, not online. */
    hybrid: z.boolean().default(true),
    joinWindow: z
      .strictObject({
        opensMinutesBefore: z.number().int().min(0).max(240),
        closesMinutesAfter: z.number().int().min(0).max(240).default(0),
      })
      .default({ opensMinutesBefore: 30, closesMinutesAfter: 0 }),
  })
  .refine((s) => Date.parse(s.end) > Date.parse(s.start), {
    message: 'end must be after start',
    path: ['end'],
  })
  .refine((s) => !s.floor || s.interventionLimitSeconds !== null, {
    message: 'a room with a floor needs an interventionLimitSeconds (how long an intervention may last)',
    path: ['interventionLimitSeconds'],
  })
  .refine((s) => !s.floor?.roles.some((r) => s.speakers.includes(r)), {
    message: 'a role in speakers is always heard: it cannot also speak only when given the floor',
    path: ['floor', 'roles'],
  });

/**
 * The event's own OpenID Connect provider (a government or UN identity provider), trusted by the API
 * instead of a Cognito user pool of the event. The issuer is compared with the tokens' `iss` claim
 * character for character, so it is taken exactly as written (no trailing slash added or removed).
 */
export const identityProviderSchema = z.strictObject({
  issuer: z
    .string()
    .refine(
      isHttpsUrl,
      'must be an https URL, the exact `iss` of the provider’s tokens (no query or fragment)',
    ),
  /** Accepted `aud` values (or `client_id`, for tokens without `aud`): at least one. */
  audience: z.array(z.string().trim().min(1).max(256)).min(1),
});

/**
 * The verifiable record (docs/record.md): how often the shards' heads are signed into a checkpoint, and
 * how long each checkpoint is kept, immutable, in AWS.
 *
 * `retentionDays` has no default, on purpose. In AWS it becomes the checkpoint bucket's default Object
 * Lock retention in compliance mode, which nobody (the account's root user included) can shorten or lift:
 * a value chosen by the software would be an irreversible records decision taken silently. How long a
 * UN office keeps a class of records is set by its retention schedule, approved by the Archives and
 * Records Management Section (ARMS); the office of record chooses, the programme file says it. Seven
 * years (2555 days, the sample's value) is a common minimum for audit evidence; records kept
 * permanently go to the Archives, not into a longer lock, hence the ten-year ceiling. The value is
 * required to deploy (infra/config.ts), not to run locally, where nothing is locked.
 */
export const recordSettingsSchema = z.strictObject({
  /** Minutes between two checkpoints: the longest tail of entries that no signature covers yet. */
  checkpointMinutes: z.number().int().min(1).max(60).default(5),
  /** Days each checkpoint is kept under Object Lock (compliance mode) in AWS. */
  retentionDays: z.number().int().min(1).max(3650).optional(),
});

export const programmeSchema = z
  .strictObject({
    event: z.strictObject({
      id: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{1,30}$/, 'must be lower-case letters, digits and hyphens (2–31)'),
      name: z.string().min(3).max(300),
      timeZone: z.string().refine(isTimeZone, 'is not an IANA time zone'),
      venue: z.string().max(300).optional(),
      note: z.string().max(2000).optional(),
    }),
    inPerson: z.strictObject({
      seatsPerDelegation: z.literal(1),
      eligibleCategories: z.array(z.enum(['MemberState', 'ObserverState'])).min(1),
    }),
    groups: z.array(z.strictObject({ id: roomIdSchema, title: z.string().min(3).max(300) })).default([]),
    sessions: z.array(sessionSchema).min(1),
    /** Omitted: the deployment creates a Cognito user pool for the event. */
    identity: identityProviderSchema.optional(),
    /** Omitted: checkpoints every 5 minutes, and no retention (which a deployment then refuses). */
    record: recordSettingsSchema.prefault({}),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    const groups = new Set(p.groups.map((g) => g.id));
    p.sessions.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['sessions', i, 'id'], message: `duplicate id ${s.id}` });
      ids.add(s.id);
      if (s.parent !== null && !groups.has(s.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sessions', i, 'parent'],
          message: `names no group in groups: ${s.parent}`,
        });
      }
    });
  });

export type Programme = z.infer<typeof programmeSchema>;
export type IdentityProvider = z.infer<typeof identityProviderSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type RecordSettings = z.infer<typeof recordSettingsSchema>;

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      url.protocol === 'https:' &&
      url.hostname !== '' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class ProgrammeError extends Error {
  override readonly name = 'ProgrammeError';
  constructor(
    readonly source: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(
      `${source}: invalid programme\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`,
    );
  }
}

/** Validates an already-parsed programme document; throws ProgrammeError naming each bad field. */
export function validateProgramme(document: unknown, source: string): Programme {
  const result = programmeSchema.safeParse(document);
  if (!result.success) {
    throw new ProgrammeError(
      source,
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  return result.data;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** The instants a session's doors open and close. */
export function joinWindowOf(session: Session): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(Date.parse(session.start) - session.joinWindow.opensMinutesBefore * 60_000),
    closesAt: new Date(Date.parse(session.end) + session.joinWindow.closesMinutesAfter * 60_000),
  };
}
