import { httpApi, json } from '#http/api.ts';
import { getMyAccess } from '#use-cases/get-my-access.ts';
import { claims, deps } from './lib/runtime.ts';

/** GET /me — who I am, and for each room whether I can join now (and if not, why). */
export const handler = httpApi(
  {
    'GET /me': async (_event, identity) => json(200, await getMyAccess(deps, identity)),
  },
  claims,
);
