import { z } from 'zod';
import { formatCsv } from '#domain/csv.ts';
import { participantIdSchema } from '#domain/participants.ts';
import { httpApi, json, noStore, report } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { type HttpEvent, jsonBody, queryParams, validate } from '#http/request.ts';
import {
  endFloor,
  extendFloor,
  floorCredentials,
  getFloor,
  grantFloor,
  inscribeOnFloor,
  moveOnFloor,
  muteAll,
  roomInterventions,
  withdrawFromFloor,
} from '#use-cases/floor.ts';
import { claims, createRuntime, floorDeps, type RuntimeOverrides } from './lib/runtime.ts';

export const inscribeBody = z.strictObject({ participantId: participantIdSchema.optional() });
export const moveBody = z.strictObject({ position: z.number().int().min(1).max(1000) });
export const grantBody = z.strictObject({
  requestId: z.string().regex(/^fr_[0-9a-z]{19}$/, 'is not a floor request id'),
});
export const extendBody = z.strictObject({
  seconds: z.number().int().min(1).max(3600),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(300),
});
const formatQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

/** An empty body is "{}" here: a participant inscribes themselves with no body at all. */
const optionalBody = <S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> =>
  (event.body ?? '').trim() === '' ? validate(schema, {}, 'body') : jsonBody(event, schema);

const interventionColumns = [
  'order',
  'delegationCode',
  'delegationName',
  'participantId',
  'mode',
  'requestedAt',
  'grantedAt',
  'endedAt',
  'secondsSpoken',
  'limitSeconds',
  'extendedSeconds',
  'overrunSeconds',
  'endedBy',
] as const;

/** The floor of each room: the speakers list, the holder, the timer, the holder's promotion, the record. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = floorDeps(r);
  const room = (event: HttpEvent) => pathParam(event, 'sessionId');
  const request = (event: HttpEvent) => pathParam(event, 'requestId');
  return httpApi(
    {
      'GET /sessions/{sessionId}/floor': async (event, identity) =>
        json(200, await getFloor(deps, identity, room(event)), { 'cache-control': 'no-store' }),
      'POST /sessions/{sessionId}/floor/requests': async (event, identity) =>
        json(201, await inscribeOnFloor(deps, identity, room(event), optionalBody(event, inscribeBody))),
      'DELETE /sessions/{sessionId}/floor/requests/{requestId}': async (event, identity) =>
        json(200, await withdrawFromFloor(deps, identity, room(event), request(event))),
      'PATCH /sessions/{sessionId}/floor/requests/{requestId}': async (event, identity) =>
        json(
          200,
          await moveOnFloor(deps, identity, room(event), request(event), jsonBody(event, moveBody).position),
        ),
      'POST /sessions/{sessionId}/floor/next': async (event, identity) =>
        json(200, await grantFloor(deps, identity, room(event), null)),
      'POST /sessions/{sessionId}/floor/grant': async (event, identity) =>
        json(200, await grantFloor(deps, identity, room(event), jsonBody(event, grantBody).requestId)),
      'POST /sessions/{sessionId}/floor/end': async (event, identity) =>
        json(200, await endFloor(deps, identity, room(event))),
      'POST /sessions/{sessionId}/floor/extend': async (event, identity) =>
        json(200, await extendFloor(deps, identity, room(event), jsonBody(event, extendBody))),
      'POST /sessions/{sessionId}/floor/mute-all': async (event, identity) =>
        json(200, await muteAll(deps, identity, room(event))),
      'POST /sessions/{sessionId}/floor/credentials': async (event, identity) =>
        json(200, await floorCredentials(deps, identity, room(event)), noStore),
      'GET /sessions/{sessionId}/interventions': async (event) => {
        const { format } = validate(formatQuery, queryParams(event), 'query');
        const result = await roomInterventions(deps, room(event));
        if (format === 'json') return report(result);
        const rows = result.interventions.map((row) =>
          interventionColumns.map((c) => (row[c] === null ? '' : String(row[c]))),
        );
        return report({
          csv: formatCsv(interventionColumns, rows),
          filename: `interventions-${result.session.id}.csv`,
        });
      },
    },
    claims,
  );
}

export const handler = createHandler();
