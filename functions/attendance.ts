import { httpApi, json, report } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { type HttpEvent, jsonBody, queryParams, validate } from '#http/request.ts';
import {
  auditQuery,
  checkInBody,
  presenceTimelineQuery,
  reportFormatQuery,
  rollCallQuery,
  unmatchedQuery,
} from '#http/schemas.ts';
import {
  myAttendance,
  presenceNow,
  presenceOverTime,
  type ReportFormat,
  rollCall,
  roomsBoard,
  sessionAttendance,
} from '#use-cases/attendance-reports.ts';
import { checkIn } from '#use-cases/check-in.ts';
import { listUnmatchedEvents, readAudit } from '#use-cases/read-audit.ts';
import { auditDeps, claims, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

const sessionId = (event: HttpEvent) => pathParam(event, 'sessionId');

/** Attendance: door check-ins, reports, presence, the rooms board, the roll call, the audit trail. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...auditDeps(r),
    programme: r.programme(),
    ledger: r.ledger(),
    attendees: r.attendees(),
    participants: r.participants(),
    delegations: r.delegations(),
    unmatched: r.unmatched(),
    floors: r.floors(),
  };
  return httpApi(
    {
      'POST /sessions/{sessionId}/check-ins': async (event, identity) =>
        json(201, await checkIn(deps, identity, sessionId(event), jsonBody(event, checkInBody))),
      'GET /sessions/{sessionId}/attendance': async (event, identity) => {
        const { format } = validate(reportFormatQuery, queryParams(event), 'query');
        return report(await sessionAttendance(deps, identity, sessionId(event), format as ReportFormat));
      },
      'GET /sessions/{sessionId}/presence': async (event, identity) =>
        json(200, await presenceNow(deps, identity, sessionId(event)), { 'cache-control': 'no-store' }),
      'GET /sessions/{sessionId}/presence/timeline': async (event, identity) => {
        const { step } = validate(presenceTimelineQuery, queryParams(event), 'query');
        return json(200, await presenceOverTime(deps, identity, sessionId(event), { stepSeconds: step }), {
          'cache-control': 'no-store',
        });
      },
      'GET /rooms': async (_event, identity) =>
        json(200, await roomsBoard(deps, identity), { 'cache-control': 'no-store' }),
      'GET /roll-call': async (event, identity) => {
        const { format, category } = validate(rollCallQuery, queryParams(event), 'query');
        return report(await rollCall(deps, identity, { format, ...(category ? { category } : {}) }));
      },
      'GET /audit': async (event, identity) =>
        json(200, await readAudit(deps, identity, validate(auditQuery, queryParams(event), 'query')), {
          'cache-control': 'no-store',
        }),
      'GET /meeting-events/unmatched': async (event, identity) => {
        const { limit } = validate(unmatchedQuery, queryParams(event), 'query');
        return json(200, await listUnmatchedEvents(deps, identity, limit));
      },
      'GET /me/attendance': async (_event, identity) =>
        json(200, await myAttendance(deps, identity), { 'cache-control': 'no-store' }),
    },
    claims,
  );
}

export const handler = createHandler();
