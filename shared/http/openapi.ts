import type { z } from 'zod';
import type { ErrorCode } from '#domain/errors.ts';
import {
  auditPageSchema,
  checkInSchema,
  delegationListSchema,
  delegationSchema,
  floorCredentialsSchema,
  floorEndedSchema,
  floorRequestCreatedSchema,
  floorStateSchema,
  floorWithdrawnSchema,
  importCheckSchema,
  importSummarySchema,
  inPersonSeatSchema,
  interventionsSchema,
  joinCredentialsSchema,
  meSchema,
  mutedAllSchema,
  myAttendanceSchema,
  participantChangedSchema,
  participantPageSchema,
  participantSchema,
  presenceSchema,
  presenceTimelineSchema,
  recordExportSchema,
  recordStatusSchema,
  rollCallSchema,
  roomClosedSchema,
  roomsBoardSchema,
  seatAssignedSchema,
  seatReleasedSchema,
  sessionAttendanceSchema,
  sessionUpdatedSchema,
  unmatchedEventsSchema,
} from './responses.ts';
import {
  auditQuery,
  checkInBody,
  delegationListQuery,
  floorExtendBody,
  floorGrantBody,
  floorInscribeBody,
  floorMoveBody,
  newOrganizationBody,
  participantImportBody,
  participantListQuery,
  participantUpdateBody,
  presenceTimelineQuery,
  reportFormatQuery,
  rollCallQuery,
  seatAssignmentBody,
  sessionChangeBody,
  unmatchedQuery,
} from './schemas.ts';

/**
 * What the OpenAPI document says of each route, keyed by the route key of routes.ts (`METHOD /path`).
 * The schemas are the ones the handlers validate with (schemas.ts, path-parameters.ts) and the response
 * schemas the API tests check answers against (responses.ts). A route added to routes.ts needs its entry
 * here: the document's generator refuses a route without one (test/unit/openapi.test.ts).
 *
 * `errors` lists the domain errors the route answers beyond those the generator adds itself:
 * UNAUTHENTICATED, MEETING_UNAVAILABLE and INTERNAL on every route, FORBIDDEN on organizer routes, and
 * VALIDATION_FAILED on routes that take a path parameter, a query or a body.
 */
export interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The query string, as the handler validates it (each property is one parameter). */
  query?: z.ZodType;
  body?: {
    /** The JSON body, as the handler validates it; registered in the document under `name`. */
    json: z.ZodType;
    name: string;
    description?: string;
    /** Also taken as CSV (`text/csv`): what the file holds. */
    csv?: string;
  };
  response: {
    status: 200 | 201;
    description: string;
    json: z.ZodType;
    /** Also answered as CSV (`text/csv`), when asked with `format=csv`. */
    csv?: string;
    /** The answer carries Cache-Control: no-store (credentials, personal data). */
    noStore?: boolean;
  };
  errors: readonly ErrorCode[];
}

const participants = ['Participants'];
const delegations = ['Delegations and seats'];
const registry = ['Participants (organizers)'];
const attendance = ['Attendance and audit'];
const rooms = ['Rooms'];
const floor = ['The floor'];
const record = ['The record'];

export const operations: Record<string, OperationDoc> = {
  'GET /me': {
    operationId: 'getMe',
    summary: 'Who I am, my delegation, and for each room whether I can join now',
    description:
      'Runs the join policy for every room of the programme at the current time; a room I cannot join says why (`reason`) and, when its doors are not open yet, `opensAt`. Nothing is written.',
    tags: participants,
    response: { status: 200, description: 'My access, room by room.', json: meSchema },
    errors: ['NOT_REGISTERED', 'UNKNOWN_DELEGATION'],
  },
  'POST /sessions/{sessionId}/join': {
    operationId: 'joinSession',
    summary: 'Chime credentials for one room',
    description:
      'The policy and the join window are checked again on every call. `meeting` and `attendee` are the Chime objects as Chime returns them: `new MeetingSessionConfiguration(body.meeting, body.attendee)`. A rejoin returns the attendee already stored. Every decision, allow or deny, is audited; the JoinToken never is. A join answers within 12 seconds, or 503 MEETING_UNAVAILABLE with Retry-After.',
    tags: participants,
    response: {
      status: 200,
      description: 'The room’s meeting and my attendee in it.',
      json: joinCredentialsSchema,
      noStore: true,
    },
    errors: [
      'NOT_REGISTERED',
      'PARTICIPANT_REVOKED',
      'SESSION_RESTRICTED',
      'OUTSIDE_JOIN_WINDOW',
      'IN_PERSON_SEAT_HOLDER',
      'UNKNOWN_SESSION',
      'UNKNOWN_DELEGATION',
      'ROOM_FULL',
    ],
  },
  'GET /delegations': {
    operationId: 'listDelegations',
    summary: 'Lists delegations, optionally of one category',
    tags: delegations,
    query: delegationListQuery,
    response: { status: 200, description: 'The delegations.', json: delegationListSchema },
    errors: [],
  },
  'POST /delegations': {
    operationId: 'addOrganization',
    summary: 'Adds an organization',
    description: 'States are seeded from the country dataset and cannot be added here.',
    tags: delegations,
    body: { json: newOrganizationBody, name: 'NewOrganization' },
    response: { status: 201, description: 'The organization, added.', json: delegationSchema },
    errors: ['DELEGATION_EXISTS'],
  },
  'GET /delegations/{code}/in-person-seat': {
    operationId: 'getInPersonSeat',
    summary: 'Who holds the State’s in-person seat',
    tags: delegations,
    response: {
      status: 200,
      description: 'The seat and its holder (null when free).',
      json: inPersonSeatSchema,
    },
    errors: ['UNKNOWN_DELEGATION'],
  },
  'PUT /delegations/{code}/in-person-seat': {
    operationId: 'assignInPersonSeat',
    summary: 'Gives the State’s one in-person seat to one of its delegates',
    description:
      'Claims are atomic: while the seat is held, a different holder is refused with 409 SEAT_TAKEN. The holder’s online Chime attendees are deleted, since they are in the room.',
    tags: delegations,
    body: { json: seatAssignmentBody, name: 'SeatAssignment' },
    response: { status: 200, description: 'The new holder.', json: seatAssignedSchema },
    errors: ['UNKNOWN_DELEGATION', 'UNKNOWN_PARTICIPANT', 'SEAT_NOT_AVAILABLE', 'SEAT_TAKEN'],
  },
  'DELETE /delegations/{code}/in-person-seat': {
    operationId: 'releaseInPersonSeat',
    summary: 'Releases the State’s in-person seat (for a hand-over)',
    tags: delegations,
    response: {
      status: 200,
      description: 'Whether a holder was released, and who.',
      json: seatReleasedSchema,
    },
    errors: ['UNKNOWN_DELEGATION'],
  },
  'POST /participants/import': {
    operationId: 'importParticipants',
    summary: 'Bulk import (upsert by email) from a JSON array or CSV',
    description:
      'All or nothing: a bad row rejects the whole import and nothing is written. The refusal (400 VALIDATION_FAILED) names the first bad row in `row`, `field` and `reason` (data rows count from 1), and lists every bad row in `errors` (at most 1,000, `errorCount` in all, `truncated` when the list is cut); a refusal is audited as failed. At most 5,000 rows and 5 MiB. One import at a time: another running is 409 IMPORT_IN_PROGRESS. Any content type other than JSON or CSV is 415. To show progress on a large file, check it whole with `/participants/import/dry-run`, then send it in parts: each part is an import of its own (all or nothing, upsert by email), so a rerun of the whole file after a failed part is safe.',
    tags: registry,
    body: {
      json: participantImportBody,
      name: 'ParticipantImport',
      csv: 'UTF-8 (with or without a byte-order mark) or Windows-1252, with a header row naming exactly the columns name,email,delegation,role in any order and case.',
    },
    response: {
      status: 200,
      description: 'Every row’s participant, in row order.',
      json: importSummarySchema,
    },
    errors: ['UNSUPPORTED_MEDIA_TYPE', 'EMAIL_IN_USE', 'IMPORT_IN_PROGRESS', 'IMPORT_CONFLICT'],
  },
  'POST /participants/import/dry-run': {
    operationId: 'checkParticipantImport',
    summary: 'Checks an import without writing anything',
    description:
      'Every check of `POST /participants/import` (each row’s shape, an email twice, an unknown delegation, a seat holder moved to another delegation), against the participants as they are now, and nothing written or audited. Answers what the import would do, or the same 400 refusal with every bad row in `errors`.',
    tags: registry,
    body: {
      json: participantImportBody,
      name: 'ParticipantImport',
      csv: 'As for `POST /participants/import`.',
    },
    response: { status: 200, description: 'What the import would do.', json: importCheckSchema },
    errors: ['UNSUPPORTED_MEDIA_TYPE'],
  },
  'GET /participants': {
    operationId: 'listParticipants',
    summary: 'Lists participants, paginated',
    description:
      'Filters combine. With a filter, a page may hold fewer than `limit` participants (even none) and still a `nextCursor`: the list is read in order and each page stops after reading at most 1,000 participants. The list ends when `nextCursor` is null.',
    tags: registry,
    query: participantListQuery,
    response: { status: 200, description: 'A page of participants.', json: participantPageSchema },
    errors: [],
  },
  'GET /participants/{participantId}': {
    operationId: 'getParticipant',
    summary: 'Reads one participant',
    tags: registry,
    response: { status: 200, description: 'The participant.', json: participantSchema },
    errors: ['UNKNOWN_PARTICIPANT'],
  },
  'PATCH /participants/{participantId}': {
    operationId: 'updateParticipant',
    summary: 'Changes a participant’s name, email, delegation or role',
    description:
      'The change is applied to their live Chime attendees before the answer: those the new state forbids are deleted, the others get the capabilities of the new role.',
    tags: registry,
    body: { json: participantUpdateBody, name: 'ParticipantUpdate' },
    response: { status: 200, description: 'The participant, changed.', json: participantChangedSchema },
    errors: ['UNKNOWN_PARTICIPANT', 'SEAT_TAKEN', 'EMAIL_IN_USE', 'PARTICIPANT_CHANGED'],
  },
  'POST /participants/{participantId}/revoke': {
    operationId: 'revokeParticipant',
    summary: 'Revokes a participant: their seat is released and their Chime attendees deleted',
    tags: registry,
    response: { status: 200, description: 'The participant, revoked.', json: participantChangedSchema },
    errors: ['UNKNOWN_PARTICIPANT'],
  },
  'POST /sessions/{sessionId}/check-ins': {
    operationId: 'checkIn',
    summary: 'A door check-in or check-out',
    description:
      'Only the State’s current in-person seat holder can be checked in (409 NOT_SEAT_HOLDER otherwise); a check-out is accepted for anyone. Accepted while the room’s doors are open.',
    tags: attendance,
    body: { json: checkInBody, name: 'CheckInRequest' },
    response: { status: 201, description: 'The check-in, recorded.', json: checkInSchema },
    errors: [
      'UNKNOWN_SESSION',
      'UNKNOWN_PARTICIPANT',
      'SEAT_NOT_AVAILABLE',
      'NOT_SEAT_HOLDER',
      'OUTSIDE_JOIN_WINDOW',
    ],
  },
  'GET /sessions/{sessionId}/attendance': {
    operationId: 'getSessionAttendance',
    summary: 'A room’s attendance: one row per participant and mode',
    description: 'Every export is audited. As CSV: UTF-8 with a byte-order mark, RFC 4180, no live formulas.',
    tags: attendance,
    query: reportFormatQuery,
    response: {
      status: 200,
      description: 'The report.',
      json: sessionAttendanceSchema,
      csv: 'delegation_code,delegation_name,category,participant_id,participant_name,role,mode,first_in,last_out,total_seconds,stays,status,intervals',
      noStore: true,
    },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /sessions/{sessionId}/presence': {
    operationId: 'getPresence',
    summary: 'Who is in the room now',
    tags: attendance,
    response: { status: 200, description: 'The open stays.', json: presenceSchema, noStore: true },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /sessions/{sessionId}/presence/timeline': {
    operationId: 'getPresenceTimeline',
    summary: 'A room’s presence over time: people online and in person, minute by minute',
    description:
      'From the room’s doors opening (its join window) to their closing, or to now while they are open: at each point, the people in the room at any moment of the step, online and in person, from the same stays as the attendance report (a drop and reconnect is one stay; a person who rejoins counts once). At most 1,440 points: a longer window widens the step. Not audited: nothing is exported.',
    tags: attendance,
    query: presenceTimelineQuery,
    response: {
      status: 200,
      description: 'The points, oldest first.',
      json: presenceTimelineSchema,
      noStore: true,
    },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /rooms': {
    operationId: 'getRoomsBoard',
    summary: 'Every room now: its times, whether its doors are open, who is in it, who holds its floor',
    description:
      'The programme in its order, each room with its join window and status (`not-open`, `open`, `closed`), the people in it now online and in person (as `GET /sessions/{sessionId}/presence` counts them), and its floor’s holder and list length. The event’s time zone comes with it: show the times in it.',
    tags: attendance,
    response: { status: 200, description: 'The rooms board.', json: roomsBoardSchema, noStore: true },
    errors: [],
  },
  'GET /roll-call': {
    operationId: 'getRollCall',
    summary: 'One row per delegation, one column per room: in person, online or absent',
    tags: attendance,
    query: rollCallQuery,
    response: {
      status: 200,
      description: 'The roll call.',
      json: rollCallSchema,
      csv: 'delegation_code,delegation_name,category, then one column per room',
      noStore: true,
    },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /audit': {
    operationId: 'readAudit',
    summary: 'The audit trail, newest first, filtered and paginated',
    description: 'A cursor is opaque: pass back the `nextCursor` of the same query unchanged.',
    tags: attendance,
    query: auditQuery,
    response: { status: 200, description: 'A page of audit records.', json: auditPageSchema, noStore: true },
    errors: [],
  },
  'GET /meeting-events/unmatched': {
    operationId: 'listUnmatchedEvents',
    summary: 'Meeting events that could not be tied to a room or a participant',
    tags: attendance,
    query: unmatchedQuery,
    response: { status: 200, description: 'The events kept aside.', json: unmatchedEventsSchema },
    errors: [],
  },
  'GET /me/attendance': {
    operationId: 'getMyAttendance',
    summary: 'My own attendance, room by room',
    tags: participants,
    response: { status: 200, description: 'My attendance.', json: myAttendanceSchema, noStore: true },
    errors: ['NOT_REGISTERED'],
  },
  'PATCH /sessions/{sessionId}': {
    operationId: 'updateSession',
    summary: 'Moves a room’s end (a room closed before its new end opens again), or names its moderators',
    tags: rooms,
    body: { json: sessionChangeBody, name: 'SessionChange' },
    response: { status: 200, description: 'The room, with its new end.', json: sessionUpdatedSchema },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /sessions/{sessionId}/floor': {
    operationId: 'getFloor',
    summary: 'The room’s floor: the holder, the speakers list, microphones not yet cut',
    description:
      'For organizers, the room’s moderators, participants who may join the room now, and its in-person speakers.',
    tags: floor,
    response: { status: 200, description: 'The floor.', json: floorStateSchema, noStore: true },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'FORBIDDEN'],
  },
  'POST /sessions/{sessionId}/floor/requests': {
    operationId: 'inscribeOnFloor',
    summary:
      'Inscribes on the speakers list: oneself (no body), or anyone (organizers, the room’s moderators)',
    tags: floor,
    body: { json: floorInscribeBody, name: 'FloorInscription' },
    response: { status: 201, description: 'The request and its position.', json: floorRequestCreatedSchema },
    errors: [
      'UNKNOWN_SESSION',
      'UNKNOWN_PARTICIPANT',
      'UNKNOWN_DELEGATION',
      'NOT_REGISTERED',
      'PARTICIPANT_REVOKED',
      'SESSION_RESTRICTED',
      'FLOOR_NOT_ALLOWED',
      'OUTSIDE_JOIN_WINDOW',
      'ALREADY_ON_LIST',
      'FORBIDDEN',
    ],
  },
  'DELETE /sessions/{sessionId}/floor/requests/{requestId}': {
    operationId: 'withdrawFromFloor',
    summary: 'Withdraws a request (one’s own; any for the room’s moderators and organizers)',
    tags: floor,
    response: { status: 200, description: 'Withdrawn.', json: floorWithdrawnSchema },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'UNKNOWN_FLOOR_REQUEST', 'FORBIDDEN'],
  },
  'PATCH /sessions/{sessionId}/floor/requests/{requestId}': {
    operationId: 'moveOnFloor',
    summary: 'Moves a request on the speakers list (the room’s moderators, organizers)',
    tags: floor,
    body: { json: floorMoveBody, name: 'FloorMove' },
    response: { status: 200, description: 'The floor after the move.', json: floorStateSchema },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'UNKNOWN_FLOOR_REQUEST', 'FORBIDDEN'],
  },
  'POST /sessions/{sessionId}/floor/next': {
    operationId: 'giveFloorToNext',
    summary: 'Gives the floor to the head of the list (the room’s moderators, organizers)',
    tags: floor,
    response: { status: 200, description: 'The floor, granted.', json: floorStateSchema },
    errors: [
      'UNKNOWN_SESSION',
      'FLOOR_NOT_ALLOWED',
      'OUTSIDE_JOIN_WINDOW',
      'FLOOR_EMPTY',
      'FLOOR_HELD',
      'FORBIDDEN',
    ],
  },
  'POST /sessions/{sessionId}/floor/grant': {
    operationId: 'giveFloor',
    summary: 'Gives the floor to a given request (the room’s moderators, organizers)',
    tags: floor,
    body: { json: floorGrantBody, name: 'FloorGrant' },
    response: { status: 200, description: 'The floor, granted.', json: floorStateSchema },
    errors: [
      'UNKNOWN_SESSION',
      'FLOOR_NOT_ALLOWED',
      'OUTSIDE_JOIN_WINDOW',
      'UNKNOWN_FLOOR_REQUEST',
      'FLOOR_HELD',
      'FORBIDDEN',
    ],
  },
  'POST /sessions/{sessionId}/floor/end': {
    operationId: 'endFloor',
    summary: 'Ends the current intervention (the room’s moderators, organizers)',
    tags: floor,
    response: { status: 200, description: 'The ended intervention, and the floor.', json: floorEndedSchema },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'NO_FLOOR_HOLDER', 'FORBIDDEN'],
  },
  'POST /sessions/{sessionId}/floor/extend': {
    operationId: 'extendFloor',
    summary: 'Extends the current intervention, with a reason, by at most the room’s limit',
    tags: floor,
    body: { json: floorExtendBody, name: 'FloorExtension' },
    response: { status: 200, description: 'The floor, extended.', json: floorStateSchema },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'NO_FLOOR_HOLDER', 'FORBIDDEN'],
  },
  'POST /sessions/{sessionId}/floor/mute-all': {
    operationId: 'muteAll',
    summary: 'Mutes everyone in the primary meeting but the panel and the holder',
    tags: floor,
    response: { status: 200, description: 'Done.', json: mutedAllSchema },
    errors: ['UNKNOWN_SESSION', 'FLOOR_NOT_ALLOWED', 'FORBIDDEN'],
  },
  'POST /sessions/{sessionId}/floor/credentials': {
    operationId: 'floorCredentials',
    summary: 'The holder’s attendee in the primary meeting, for promoteToPrimaryMeeting (never published)',
    tags: floor,
    response: {
      status: 200,
      description: 'An attendee in the primary meeting, or `promote: false` when one sits there already.',
      json: floorCredentialsSchema,
      noStore: true,
    },
    errors: [
      'UNKNOWN_SESSION',
      'FLOOR_NOT_ALLOWED',
      'NO_FLOOR_HOLDER',
      'UNKNOWN_DELEGATION',
      'PARTICIPANT_REVOKED',
      'SESSION_RESTRICTED',
      'IN_PERSON_SEAT_HOLDER',
      'OUTSIDE_JOIN_WINDOW',
      'ROOM_FULL',
    ],
  },
  'GET /sessions/{sessionId}/interventions': {
    operationId: 'getInterventions',
    summary: 'One row per intervention from the floor (organizers)',
    tags: floor,
    query: reportFormatQuery,
    response: {
      status: 200,
      description: 'The interventions, in the order the floor was given.',
      json: interventionsSchema,
      csv: 'One row per intervention, the columns of the JSON rows; formula cells neutralised.',
      noStore: true,
    },
    errors: ['UNKNOWN_SESSION'],
  },
  'GET /record': {
    operationId: 'getRecordStatus',
    summary:
      'The verifiable record now: its last signed checkpoint, the entries it does not cover yet, the key’s fingerprint (organizers)',
    description:
      'The fingerprint is the value an auditor passes to `npm run verify -- <archive> <fingerprint>`; publish it out of band (it is also the stack’s RecordKeyFingerprint output). Nothing is written.',
    tags: record,
    response: { status: 200, description: 'The record’s state.', json: recordStatusSchema, noStore: true },
    errors: [],
  },
  'GET /record/export': {
    operationId: 'exportRecord',
    summary: 'The verifiable record as a bundle an auditor verifies offline (organizers)',
    tags: record,
    response: {
      status: 200,
      description:
        'A download link to the bundle (entries, signed checkpoints, public key; docs/record.md), short-lived. Verify it with `npm run verify -- <archive> <key fingerprint>`; the fingerprint is not in the bundle.',
      json: recordExportSchema,
      noStore: true,
    },
    errors: [],
  },
  'POST /sessions/{sessionId}/close': {
    operationId: 'closeSession',
    summary: 'Closes a room now: its Chime meetings end',
    tags: rooms,
    response: { status: 200, description: 'The room, closed.', json: roomClosedSchema },
    errors: ['UNKNOWN_SESSION'],
  },
};
