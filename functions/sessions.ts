import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { jsonBody } from '#http/request.ts';
import { sessionChangeBody } from '#http/schemas.ts';
import { closeRoomNow, moveRoomEnd, setModerators } from '#use-cases/close-room.ts';
import { closeRoomFloor } from '#use-cases/floor.ts';
import { auditDeps, claims, createRuntime, floorDeps, type RuntimeOverrides } from './lib/runtime.ts';

/** Rooms while the event runs (organizers): move a session's end, or close a room at once. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...auditDeps(r),
    programme: r.programme(),
    registry: r.registry(),
    meetings: r.meetings(),
    closeFloor: (roomId: string) => closeRoomFloor(floorDeps(r), roomId),
    timers: r.timers(),
  };
  return httpApi(
    {
      'PATCH /sessions/{sessionId}': async (event, identity) => {
        const roomId = pathParam(event, 'sessionId');
        const change = jsonBody(event, sessionChangeBody);
        const moderators = change.moderators
          ? await setModerators(deps, identity, roomId, change.moderators)
          : undefined;
        const moved = change.end ? await moveRoomEnd(deps, identity, roomId, change.end) : undefined;
        return json(200, {
          ...moderators,
          ...moved,
          ...(moderators ? { moderators: moderators.moderators } : {}),
        });
      },
      'POST /sessions/{sessionId}/close': async (event, identity) =>
        json(200, await closeRoomNow(deps, identity, pathParam(event, 'sessionId'))),
    },
    claims,
  );
}

export const handler = createHandler();
