import type { z } from 'zod';
import { httpApi, json, noStore, report } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { type HttpEvent, jsonBody, queryParams, validate } from '#http/request.ts';
import {
  floorExtendBody,
  floorGrantBody,
  floorInscribeBody,
  floorMoveBody,
  reportFormatQuery,
} from '#http/schemas.ts';
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

/** An empty body is "{}" here: a participant inscribes themselves with no body at all. */
const optionalBody = <S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> =>
  (event.body ?? '').trim() === '' ? validate(schema, {}, 'body') : jsonBody(event, schema);

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
        json(201, await inscribeOnFloor(deps, identity, room(event), optionalBody(event, floorInscribeBody))),
      'DELETE /sessions/{sessionId}/floor/requests/{requestId}': async (event, identity) =>
        json(200, await withdrawFromFloor(deps, identity, room(event), request(event))),
      'PATCH /sessions/{sessionId}/floor/requests/{requestId}': async (event, identity) =>
        json(
          200,
          await moveOnFloor(
            deps,
            identity,
            room(event),
            request(event),
            jsonBody(event, floorMoveBody).position,
          ),
        ),
      'POST /sessions/{sessionId}/floor/next': async (event, identity) =>
        json(200, await grantFloor(deps, identity, room(event), null)),
      'POST /sessions/{sessionId}/floor/grant': async (event, identity) =>
        json(200, await grantFloor(deps, identity, room(event), jsonBody(event, floorGrantBody).requestId)),
      'POST /sessions/{sessionId}/floor/end': async (event, identity) =>
        json(200, await endFloor(deps, identity, room(event))),
      'POST /sessions/{sessionId}/floor/extend': async (event, identity) =>
        json(200, await extendFloor(deps, identity, room(event), jsonBody(event, floorExtendBody))),
      'POST /sessions/{sessionId}/floor/mute-all': async (event, identity) =>
        json(200, await muteAll(deps, identity, room(event))),
      'POST /sessions/{sessionId}/floor/credentials': async (event, identity) =>
        json(200, await floorCredentials(deps, identity, room(event)), noStore),
      'GET /sessions/{sessionId}/interventions': async (event, identity) => {
        const { format } = validate(reportFormatQuery, queryParams(event), 'query');
        return report(await roomInterventions(deps, identity, room(event), format));
      },
    },
    claims,
  );
}

export const handler = createHandler();
