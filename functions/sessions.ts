import { z } from 'zod';
import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { jsonBody } from '#http/request.ts';
import { closeRoomNow, moveRoomEnd } from '#use-cases/close-room.ts';
import { closeRoomFloor } from '#use-cases/floor.ts';
import { auditDeps, claims, createRuntime, floorDeps, type RuntimeOverrides } from './lib/runtime.ts';

const endBody = z.strictObject({
  end: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with an offset' }),
});

/** Rooms while the event runs (organizers): move a session's end, or close a room at once. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...auditDeps(r),
    programme: r.programme(),
    registry: r.registry(),
    meetings: r.meetings(),
    closeFloor: (roomId: string) => closeRoomFloor(floorDeps(r), roomId),
  };
  return httpApi(
    {
      'PATCH /sessions/{sessionId}': async (event, identity) =>
        json(
          200,
          await moveRoomEnd(deps, identity, pathParam(event, 'sessionId'), jsonBody(event, endBody).end),
        ),
      'POST /sessions/{sessionId}/close': async (event, identity) =>
        json(200, await closeRoomNow(deps, identity, pathParam(event, 'sessionId'))),
    },
    claims,
  );
}

export const handler = createHandler();
