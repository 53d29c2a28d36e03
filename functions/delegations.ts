import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { jsonBody, queryParams, validate } from '#http/request.ts';
import { delegationListQuery, newOrganizationBody, seatAssignmentBody } from '#http/schemas.ts';
import {
  assignInPersonSeat,
  getInPersonSeat,
  releaseInPersonSeat,
} from '#use-cases/assign-in-person-seat.ts';
import { addOrganization, listDelegations } from '#use-cases/manage-delegations.ts';
import { auditDeps, claims, createRuntime, lifecycleDeps, type RuntimeOverrides } from './lib/runtime.ts';

const code = (event: Parameters<typeof pathParam>[0]) => pathParam(event, 'code');

/** Delegations and their in-person seats (organizers). */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = { ...lifecycleDeps(r, { provisioning: false }), ...auditDeps(r), seats: r.seats() };
  return httpApi(
    {
      'GET /delegations': async (event, identity) => {
        const { category } = validate(delegationListQuery, queryParams(event), 'query');
        return json(200, await listDelegations(deps, identity, category));
      },
      'POST /delegations': async (event, identity) =>
        json(201, await addOrganization(deps, identity, jsonBody(event, newOrganizationBody))),
      'GET /delegations/{code}/in-person-seat': async (event, identity) =>
        json(200, await getInPersonSeat(deps, identity, code(event))),
      'PUT /delegations/{code}/in-person-seat': async (event, identity) => {
        const { participantId } = jsonBody(event, seatAssignmentBody);
        return json(200, await assignInPersonSeat(deps, identity, code(event), participantId));
      },
      'DELETE /delegations/{code}/in-person-seat': async (event, identity) =>
        json(200, await releaseInPersonSeat(deps, identity, code(event))),
    },
    claims,
  );
}

export const handler = createHandler();
