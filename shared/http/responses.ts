import { z } from 'zod';
import { delegationCategorySchema, delegationCodeSchema } from '#domain/delegations.ts';
import { type ErrorCode, errorCodes } from '#domain/errors.ts';
import { participantIdSchema, participantRoleSchema } from '#domain/participants.ts';
import { roomIdSchema } from '#domain/programme.ts';

/**
 * The response bodies of the API, in zod: the OpenAPI document (shared/http/openapi.ts) is generated
 * from them, and the API tests check every response they see against that document. Our own objects are
 * strict (a field the document does not name fails the tests); the Chime objects are passed through as
 * Chime returns them, so only the fields a client needs are named.
 *
 * Every schema an operation answers with is registered in `responseComponents` under the name it has in
 * the document's `components.schemas`.
 */
export const responseComponents = z.registry<{ id: string }>();
const component = <S extends z.ZodType>(id: string, schema: S): S => {
  responseComponents.add(schema, { id });
  return schema;
};

const count = z.number().int().nonnegative();
const capability = z.enum(['SendReceive', 'Send', 'Receive', 'None']);

const instant = component(
  'Instant',
  z.iso
    .datetime({ offset: true })
    .describe('An ISO 8601 instant: UTC (`Z`), or with the offset it was given in.'),
);

export const capabilitiesSchema = component(
  'Capabilities',
  z
    .strictObject({ Audio: capability, Video: capability, Content: capability })
    .describe('The Chime attendee capabilities: what the participant may send and receive.'),
);

export const credentialChangesSchema = component(
  'CredentialChanges',
  z
    .strictObject({
      deleted: count.describe('Chime attendees deleted: their JoinTokens no longer work.'),
      updated: count.describe('Chime attendees whose capabilities were changed.'),
    })
    .describe('What the change did to the participant’s live Chime attendees.'),
);

// GET /me

const floorMode = z.enum(['online', 'in-person']);

const roomSummary = {
  id: roomIdSchema,
  title: z.string(),
  parent: roomIdSchema.nullable(),
  start: instant,
  end: instant,
  floor: z
    .strictObject({
      mayRequest: z.boolean().describe('Whether one may inscribe on the room’s speakers list.'),
      mode: floorMode.optional().describe('From where one would speak: online, or in person from the seat.'),
      moderator: z.boolean().describe('Whether one runs the room’s floor.'),
    })
    .describe('The room’s floor, for the caller.'),
};
/** The event, as a client shows it: its times are shown in its time zone (an IANA name). */
const eventSummary = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    timeZone: z.string().describe('The IANA time zone the programme is written in (America/New_York).'),
  })
  .describe('The event: a client shows its times in this time zone, and says so.');

export const meSchema = component(
  'Me',
  z.strictObject({
    participant: z.strictObject({
      id: participantIdSchema,
      name: z.string(),
      role: participantRoleSchema,
      revoked: z.boolean(),
      inPersonSeat: delegationCodeSchema.nullable(),
    }),
    delegation: z.strictObject({
      code: delegationCodeSchema,
      name: z.string(),
      category: delegationCategorySchema,
    }),
    event: eventSummary,
    now: instant,
    sessions: z.array(
      z.discriminatedUnion('canJoin', [
        z.strictObject({
          ...roomSummary,
          canJoin: z.literal(true),
          maySpeak: z.boolean(),
          interventionLimitSeconds: z.number().int().nullable(),
          closesAt: instant,
        }),
        z.strictObject({
          ...roomSummary,
          canJoin: z.literal(false),
          reason: z.strictObject({
            code: z.enum([
              'PARTICIPANT_REVOKED',
              'SESSION_RESTRICTED',
              'IN_PERSON_SEAT_HOLDER',
              'OUTSIDE_JOIN_WINDOW',
            ]),
            message: z.string(),
          }),
          opensAt: instant.optional(),
        }),
      ]),
    ),
  }),
);

// POST /sessions/{sessionId}/join

export const joinCredentialsSchema = component(
  'JoinCredentials',
  z.strictObject({
    session: z.strictObject({
      id: roomIdSchema,
      title: z.string(),
      start: instant,
      end: instant,
      closesAt: instant,
    }),
    meeting: z
      .looseObject({
        MeetingId: z.string(),
        ExternalMeetingId: z.string().optional(),
        MediaRegion: z.string(),
        MediaPlacement: z.looseObject({ AudioHostUrl: z.string(), SignalingUrl: z.string() }),
        PrimaryMeetingId: z.string().optional(),
        MeetingArn: z.string().optional(),
      })
      .describe('The Chime Meeting object exactly as Chime returns it (amazon-chime-sdk-js takes it as is).'),
    attendee: z
      .looseObject({
        AttendeeId: z.string(),
        ExternalUserId: z
          .string()
          .describe('The participant’s opaque id and a placement nonce; never a name.'),
        JoinToken: z.string().describe('A bearer secret: never log it.'),
        Capabilities: capabilitiesSchema,
      })
      .describe('The Chime Attendee object exactly as Chime returns it.'),
    meetingRole: z.enum(['primary', 'replica']),
    primaryMeetingId: z.string(),
    capabilities: capabilitiesSchema,
    maySpeak: z.boolean(),
    interventionLimitSeconds: z.number().int().nullable(),
  }),
);

// Delegations and seats

export const delegationSchema = component(
  'Delegation',
  z.strictObject({
    code: delegationCodeSchema,
    name: z.string(),
    category: delegationCategorySchema,
    regionalGroup: z.string().nullable(),
  }),
);

export const delegationListSchema = component(
  'DelegationList',
  z.strictObject({ count, items: z.array(delegationSchema) }),
);

export const inPersonSeatSchema = component(
  'InPersonSeat',
  z.strictObject({ delegation: delegationCodeSchema, holderId: participantIdSchema.nullable() }),
);

export const seatAssignedSchema = component(
  'SeatAssigned',
  z.strictObject({
    delegation: delegationCodeSchema,
    holder: z.strictObject({ id: participantIdSchema, name: z.string() }),
    credentials: credentialChangesSchema,
  }),
);

export const seatReleasedSchema = component(
  'SeatReleased',
  z.strictObject({
    delegation: delegationCodeSchema,
    released: z.boolean(),
    previousHolderId: participantIdSchema.nullable(),
  }),
);

// Participants

const participantFields = {
  id: participantIdSchema,
  name: z.string(),
  email: z.string(),
  delegation: delegationCodeSchema,
  role: participantRoleSchema,
  revoked: z.boolean(),
  inPersonSeat: delegationCodeSchema.nullable(),
  createdAt: instant,
  updatedAt: instant,
};

export const participantSchema = component('Participant', z.strictObject(participantFields));

export const participantChangedSchema = component(
  'ParticipantChanged',
  z.strictObject({ ...participantFields, credentials: credentialChangesSchema }),
);

export const participantPageSchema = component(
  'ParticipantPage',
  z.strictObject({
    items: z.array(participantSchema),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass it back as `cursor` for the next page; null on the last.'),
  }),
);

export const importSummarySchema = component(
  'ImportSummary',
  z.strictObject({
    rows: count,
    created: count,
    updated: count,
    unchanged: count,
    credentials: credentialChangesSchema,
    participants: z.array(
      z.strictObject({
        id: participantIdSchema,
        email: z.string(),
        status: z.enum(['created', 'updated', 'unchanged']),
      }),
    ),
    encoding: z
      .enum(['utf-8', 'windows-1252'])
      .optional()
      .describe(
        'CSV only: the encoding the file was read in (a file that is not UTF-8 is read as Windows-1252).',
      ),
  }),
);

export const importCheckSchema = component(
  'ImportCheck',
  z
    .strictObject({
      dryRun: z.literal(true),
      rows: count,
      created: count.describe('Rows whose email is not registered: the import would create them.'),
      updated: count,
      unchanged: count,
      encoding: z
        .enum(['utf-8', 'windows-1252'])
        .optional()
        .describe('CSV only: the encoding the file was read in.'),
    })
    .describe('What the import of these rows would do now; nothing was written.'),
);

export const importRowErrorSchema = component(
  'ImportRowError',
  z.strictObject({
    row: z.number().int().describe('Data rows count from 1.'),
    field: z.string().describe('`name`, `email`, `delegation`, `role`, or `row` for the row as a whole.'),
    kind: z
      .enum(['invalid', 'duplicate', 'unknownDelegation', 'seatHolder'])
      .describe(
        '`invalid`: the field’s shape (`reason` says how); `duplicate`: the email is also in `otherRow`; `unknownDelegation`; `seatHolder`: the email holds its State’s in-person seat and the row moves it to another delegation.',
      ),
    reason: z.string(),
    otherRow: z.number().int().optional().describe('The earlier row with the same email (`duplicate`).'),
  }),
);

// Attendance

const intervalSchema = component(
  'Interval',
  z.strictObject({
    from: instant,
    to: instant.nullable().describe('null while the stay is open.'),
    seconds: count,
    reconnects: count,
    closedBy: z.enum(['left', 'dropped', 'check-out', 'meeting-end', 'room-end']).nullable(),
  }),
);
const mode = z.enum(['online', 'in-person']);
const presenceStatus = z.enum(['present-now', 'attended', 'issued-never-connected']);
const attendanceRowFields = {
  delegationCode: delegationCodeSchema.nullable(),
  delegationName: z.string().nullable(),
  category: delegationCategorySchema.nullable(),
  participantId: z.string(),
  participantName: z.string().nullable(),
  role: participantRoleSchema.nullable(),
  mode,
  firstIn: instant.nullable(),
  lastOut: instant.nullable(),
  totalSeconds: count,
  stays: count,
  status: presenceStatus,
};

export const checkInSchema = component(
  'CheckIn',
  z.strictObject({
    sessionId: roomIdSchema,
    participantId: participantIdSchema,
    direction: z.enum(['in', 'out']),
    at: instant,
  }),
);

export const sessionAttendanceSchema = component(
  'SessionAttendance',
  z.strictObject({
    sessionId: roomIdSchema,
    title: z.string(),
    asOf: instant,
    summary: z.strictObject({
      participants: count,
      delegations: count,
      issuedNeverConnected: count,
      presentNow: count,
    }),
    rows: z.array(z.strictObject({ ...attendanceRowFields, intervals: z.array(intervalSchema) })),
  }),
);

export const presenceSchema = component(
  'Presence',
  z.strictObject({
    sessionId: roomIdSchema,
    asOf: instant,
    count,
    rows: z.array(z.strictObject({ ...attendanceRowFields, since: instant.nullable() })),
  }),
);

export const presenceTimelineSchema = component(
  'PresenceTimeline',
  z.strictObject({
    sessionId: roomIdSchema,
    title: z.string(),
    asOf: instant,
    from: instant.describe('The room’s doors open (its join window’s start): the first point.'),
    to: instant.describe('The end of the last point: the window’s close, or `asOf` while the room is open.'),
    stepSeconds: count.describe('Seconds between points (the step asked for, or wider; see `step`).'),
    totals: z
      .strictObject({ online: count, inPerson: count, people: count })
      .describe(
        'The distinct people present at any moment of [from, to): `people` is the attendance report’s `summary.participants` for stays within the window.',
      ),
    points: z.array(
      z
        .strictObject({ at: instant, online: count, inPerson: count, people: count })
        .describe(
          'The people in the room at any moment of [at, at + stepSeconds): a person counts once however many times they rejoined; `people` counts one who was both online and in person once.',
        ),
    ),
  }),
);

export const recordStatusSchema = component(
  'RecordStatus',
  z.strictObject({
    origin: z.string().describe("floorpass/<event id>: the checkpoints' origin line."),
    asOf: instant,
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe(
        'SHA-256 (lowercase hex) of the record key’s public key (SubjectPublicKeyInfo DER): the value `npm run verify` takes. Compare it with the stack’s RecordKeyFingerprint output or the secretariat’s published notice.',
      ),
    lastCheckpoint: z
      .strictObject({
        index: count,
        time: instant,
        size: count.describe('Entries the checkpoint covers, all shards together.'),
        shards: count,
      })
      .nullable()
      .describe('The last signed checkpoint; null when none is signed yet.'),
    entries: count.describe('Entries in the record now, all shards together.'),
    shards: count,
    unproven: count.describe('Entries after the last checkpoint: chained, but no signature covers them yet.'),
  }),
);

export const rollCallSchema = component(
  'RollCall',
  z.strictObject({
    asOf: instant,
    rooms: z.array(roomIdSchema),
    count,
    rows: z.array(
      z.strictObject({
        code: delegationCodeSchema,
        name: z.string(),
        category: delegationCategorySchema,
        rooms: z.record(
          z.string(),
          z.strictObject({ status: z.enum(['in-person', 'online', 'absent']), seconds: count }),
        ),
      }),
    ),
  }),
);

export const myAttendanceSchema = component(
  'MyAttendance',
  z.strictObject({
    participantId: participantIdSchema,
    asOf: instant,
    sessions: z.array(
      z.strictObject({
        sessionId: roomIdSchema,
        title: z.string(),
        attendance: z.array(
          z.strictObject({
            mode,
            status: presenceStatus,
            firstIn: instant.nullable(),
            lastOut: instant.nullable(),
            totalSeconds: count,
            intervals: z.array(intervalSchema),
          }),
        ),
      }),
    ),
  }),
);

export const auditPageSchema = component(
  'AuditPage',
  z.strictObject({
    items: z.array(
      component(
        'AuditRecord',
        z.strictObject({
          id: z.string(),
          at: instant,
          actor: z.string().describe('Who acted: a participant id, or `organizer:<email>`, or `system:…`.'),
          action: z.string(),
          outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']),
          code: z.string().optional(),
          sessionId: z.string().optional(),
          participantId: z.string().optional(),
          delegationCode: z.string().optional(),
          details: z.record(z.string(), z.unknown()).optional().describe('Non-secret facts; never a token.'),
        }),
      ),
    ),
    nextCursor: z.string().nullable(),
  }),
);

export const unmatchedEventsSchema = component(
  'UnmatchedEvents',
  z.strictObject({
    count,
    items: z.array(
      z.strictObject({
        reason: z.string(),
        receivedAt: instant,
        event: z.record(z.string(), z.unknown()).describe('The aws.chime event as it arrived.'),
      }),
    ),
  }),
);

// Rooms

export const sessionUpdatedSchema = component(
  'SessionUpdated',
  z.strictObject({
    session: z.strictObject({
      id: roomIdSchema,
      title: z.string(),
      start: instant.optional(),
      end: instant.optional(),
    }),
    closesAt: instant.optional(),
    reopened: z.boolean().optional(),
    meetingsEnded: count.optional(),
    moderators: z.array(z.string()).optional().describe('The room’s moderators, when they were changed.'),
  }),
);

// The floor

const requestIdSchema = z.string().regex(/^fr_[0-9a-z]{19}$/);

export const floorStateSchema = component(
  'Floor',
  z.strictObject({
    holder: z
      .strictObject({
        requestId: requestIdSchema,
        participantId: participantIdSchema,
        delegationCode: delegationCodeSchema,
        mode: floorMode,
        grantedAt: instant,
        deadline: instant,
        limitSeconds: count,
        extendedSeconds: count,
        warned: z.boolean(),
        overtime: z.boolean().describe('An in-person holder past the deadline: the moderator ends it.'),
        droppedAt: instant.nullable().describe('The holder’s client dropped: the floor ends after 20 s.'),
        connected: z.boolean().nullable().describe('From the meeting events (best effort); null in person.'),
      })
      .nullable(),
    queue: z.array(
      z.strictObject({
        requestId: requestIdSchema,
        position: count,
        participantId: participantIdSchema,
        delegationCode: delegationCodeSchema,
        mode: floorMode,
        requestedAt: instant,
        connected: z.boolean().nullable(),
      }),
    ),
    uncut: z
      .array(
        z.strictObject({ requestId: requestIdSchema, participantId: participantIdSchema, since: instant }),
      )
      .describe('Ended interventions whose microphone Chime has not confirmed closed (retried; alarmed).'),
    version: count.describe('Moves on every change: a client that sees a gap re-reads the floor.'),
  }),
);

export const floorRequestCreatedSchema = component(
  'FloorRequestCreated',
  z.strictObject({
    request: z.strictObject({
      id: requestIdSchema,
      position: count,
      participantId: participantIdSchema,
      delegationCode: delegationCodeSchema,
      mode: floorMode,
    }),
    version: count,
  }),
);

export const floorWithdrawnSchema = component(
  'FloorRequestWithdrawn',
  z.strictObject({ withdrawn: requestIdSchema, version: count.optional() }),
);

export const floorEventSchema = component(
  'FloorEvent',
  z
    .strictObject({
      type: z.enum([
        'inscribed',
        'withdrawn',
        'moved',
        'granted',
        'warned',
        'extended',
        'overtime',
        'dropped',
        'returned',
        'ended',
      ]),
      roomId: roomIdSchema,
      requestId: requestIdSchema,
      participantId: participantIdSchema,
      delegationCode: delegationCodeSchema,
      mode: floorMode,
      at: instant,
      by: z.string(),
      version: count,
      requestedAt: instant.optional(),
      grantedAt: instant.optional(),
      deadline: instant.optional(),
      limitSeconds: count.optional(),
      position: count.optional(),
      from: count.optional(),
      seconds: count.optional(),
      reason: z.string().optional(),
      how: z.enum(['moderator', 'time', 'dropped', 'withdrawn', 'revoked', 'room-closed']).optional(),
    })
    .describe('What happened on a floor: as recorded, and as the room’s channel carries it.'),
);

/**
 * The one channel event that is no floor event: every microphone of the room but the holder's was closed
 * (POST /sessions/{sessionId}/floor/mute-all). Not an answer of the API, so not in the OpenAPI
 * document: the channel's AsyncAPI document (asyncapi-document.ts) carries it.
 */
export const floorMutedAllEventSchema = z
  .strictObject({ type: z.literal('muted-all'), roomId: roomIdSchema, at: instant })
  .describe('Every microphone of the room but the floor holder’s was closed.');

export const floorEndedSchema = component(
  'FloorEnded',
  z.strictObject({ ended: floorEventSchema, floor: floorStateSchema }),
);

export const mutedAllSchema = component(
  'MutedAll',
  z.strictObject({ muted: z.boolean(), kept: count.optional(), reason: z.string().optional() }),
);

export const floorCredentialsSchema = component(
  'FloorCredentials',
  z.discriminatedUnion('promote', [
    z.strictObject({ promote: z.literal(false), primaryMeetingId: z.string(), reason: z.string() }),
    z.strictObject({
      promote: z.literal(true),
      primaryMeetingId: z.string(),
      meeting: z.looseObject({ MeetingId: z.string() }).describe('The primary meeting, as Chime returns it.'),
      attendee: z
        .looseObject({ AttendeeId: z.string(), JoinToken: z.string(), Capabilities: capabilitiesSchema })
        .describe('An attendee in the primary, for promoteToPrimaryMeeting; deleted when the floor ends.'),
    }),
  ]),
);

export const interventionsSchema = component(
  'Interventions',
  z.strictObject({
    session: z.strictObject({ id: roomIdSchema, title: z.string() }),
    interventions: z.array(
      z.strictObject({
        order: count,
        requestId: requestIdSchema,
        delegationCode: delegationCodeSchema,
        delegationName: z.string().nullable(),
        participantId: participantIdSchema,
        mode: floorMode,
        requestedAt: instant,
        grantedAt: instant,
        endedAt: instant.nullable(),
        secondsSpoken: count.nullable(),
        limitSeconds: count,
        extendedSeconds: count,
        overrunSeconds: count.nullable(),
        endedBy: z.enum(['moderator', 'time', 'dropped', 'withdrawn', 'revoked', 'room-closed']).nullable(),
      }),
    ),
  }),
);

export const roomClosedSchema = component(
  'RoomClosed',
  z.strictObject({ roomId: roomIdSchema, closedAt: instant, meetingsEnded: count }),
);

// Errors

/** Every code an answer of floorpass can carry: the domain's codes, and INTERNAL for anything unexpected. */
export const answerCodes = [...errorCodes, 'INTERNAL'] as const;
export type AnswerCode = ErrorCode | 'INTERNAL';

/** floorpass's error shape, with the codes one response may carry. */
export const errorSchema = (codes: readonly AnswerCode[] = answerCodes) =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(codes as [AnswerCode, ...AnswerCode[]]),
      message: z.string(),
      field: z.string().optional().describe('Which input was bad (VALIDATION_FAILED).'),
      row: z.number().int().optional().describe('The import row (data rows count from 1).'),
      reason: z.string().optional().describe('Why the import row was refused.'),
      errors: z
        .array(importRowErrorSchema)
        .optional()
        .describe('Every refused row of an import, in row order (at most 1,000; see `truncated`).'),
      errorCount: count.optional().describe('How many rows of the import were refused.'),
      truncated: z.boolean().optional().describe('`errors` lists only the first 1,000 refused rows.'),
      opensAt: instant.optional().describe('When the doors open (OUTSIDE_JOIN_WINDOW).'),
      closesAt: instant.optional().describe('When the doors closed (OUTSIDE_JOIN_WINDOW).'),
      limit: z.enum(['primary', 'replicas']).optional().describe('Which meetings are full (ROOM_FULL).'),
      holderId: participantIdSchema.optional().describe('Who holds the seat (SEAT_TAKEN).'),
      notUndone: count.optional().describe('Rows another writer changed while the import was undone.'),
      requestId: requestIdSchema.optional().describe('The request in the way (ALREADY_ON_LIST, FLOOR_HELD).'),
      participantId: participantIdSchema.optional().describe('Whose request it is (ALREADY_ON_LIST).'),
    }),
  });

export const errorBodySchema = component('Error', errorSchema());

/** What API Gateway answers itself, before any function runs (401, 404, 413, 429, 5xx). */
export const gatewayMessageSchema = component(
  'GatewayMessage',
  z
    .strictObject({ message: z.string() })
    .describe(
      'An answer of API Gateway itself, in AWS: 401 {"message":"Unauthorized"}, 404 {"message":"Not Found"}, 413 {"message":"Request Entity Too Large"}, 429 {"message":"Too Many Requests"}, 500 {"message":"Internal Server Error"}.',
    ),
);

/** GET /record/export: where to download the record's bundle, and what it holds. */
export const recordExportSchema = component(
  'RecordExport',
  z.strictObject({
    origin: z.string().describe("floorpass/<event id>: the checkpoints' origin line."),
    exportedAt: instant,
    filename: z.string().describe("The archive's name (a POSIX tar)."),
    url: z
      .string()
      .describe(
        'A short-lived download link (an S3 presigned URL in AWS). Anyone holding it can download until it expires.',
      ),
    expiresAt: instant,
    entries: count,
    shards: count,
    checkpoints: count,
    reports: count.describe(
      'Reports in the archive (reports/*.csv), recomputed from its entries as of exportedAt: every session’s attendance, the roll call, each floor room’s interventions.',
    ),
    bytes: count,
    lastCheckpoint: z
      .strictObject({ index: count, time: instant, size: count })
      .nullable()
      .describe('The last signed checkpoint in the bundle; null when none is signed yet.'),
    unproven: count.describe('Entries after the last checkpoint: chained, but no signature covers them yet.'),
  }),
);

export const roomsBoardSchema = component(
  'RoomsBoard',
  z.strictObject({
    event: eventSummary,
    now: instant,
    groups: z.array(z.strictObject({ id: roomIdSchema, title: z.string() })),
    rooms: z.array(
      z.strictObject({
        ...roomSummary,
        opensAt: instant,
        closesAt: instant,
        status: z
          .enum(['not-open', 'open', 'closed'])
          .describe('Whether the room’s doors (its join window) are open now.'),
        online: count.describe('Online attendees in the room now.'),
        inPerson: count.describe('People checked in at the door now.'),
        floor: z
          .strictObject({
            holder: z
              .strictObject({
                delegationCode: delegationCodeSchema,
                mode: floorMode,
                grantedAt: instant,
                deadline: instant,
              })
              .nullable(),
            waiting: count.describe('Requests on the speakers list.'),
          })
          .nullable()
          .describe('The room’s floor; null in a room without one.'),
      }),
    ),
  }),
);
