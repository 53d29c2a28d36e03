import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { jsonBody } from '#http/request.ts';
import { sessionEndBody } from '#http/schemas.ts';
import { closeRoomNow, moveRoomEnd } from '#use-cases/close-room.ts';
import { auditDeps, claims, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/** Rooms while the event runs (organizers): move a session's end, or close a room at once. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...auditDeps(r),
    programme: r.programme(),
    registry: r.registry(),
    meetings: r.meetings(),
  };
  return httpApi(
    {
      'PATCH /sessions/{sessionId}': async (event, identity) =>
        json(
          200,
          await moveRoomEnd(
            deps,
            identity,
            pathParam(event, 'sessionId'),
            jsonBody(event, sessionEndBody).end,
          ),
        ),
      'POST /sessions/{sessionId}/close': async (event, identity) =>
        json(200, await closeRoomNow(deps, identity, pathParam(event, 'sessionId'))),
    },
    claims,
  );
}

export const handler = createHandler();
