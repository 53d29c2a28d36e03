import { httpApi, json } from '#http/api.ts';
import { getMyAccess } from '#use-cases/get-my-access.ts';
import { claims, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/** GET /me — who I am, and for each room whether I can join now (and if not, why). */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    participants: r.participants(),
    delegations: r.delegations(),
    programme: r.programme(),
    clock: r.clock,
  };
  return httpApi(
    {
      'GET /me': async (_event, identity) => json(200, await getMyAccess(deps, identity)),
    },
    claims,
  );
}

export const handler = createHandler();
