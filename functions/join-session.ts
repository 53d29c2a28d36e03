import { httpApi, json, noStore } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { issueJoinCredentials } from '#use-cases/issue-join-credentials.ts';
import { claims, deps } from './lib/runtime.ts';

/** POST /sessions/{sessionId}/join — Chime credentials for one room, re-checked on every call. */
export const handler = httpApi(
  {
    'POST /sessions/{sessionId}/join': async (event, identity) =>
      json(200, await issueJoinCredentials(deps, identity, pathParam(event, 'sessionId')), noStore),
  },
  claims,
);
