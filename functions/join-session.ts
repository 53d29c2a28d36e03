import type { Context } from 'aws-lambda';
import { httpApi, json, noStore } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import { budgetUntil } from '#use-cases/budget.ts';
import { issueJoinCredentials } from '#use-cases/issue-join-credentials.ts';
import { auditDeps, claims, createRuntime, lifecycleDeps, type RuntimeOverrides } from './lib/runtime.ts';

/** A join answers within this, or with 503 MEETING_UNAVAILABLE and Retry-After (never the function's timeout). */
const JOIN_BUDGET_MS = 12_000;
/** Kept from the function's own remaining time for the answer, the audit of the outcome and the logs. */
const ANSWER_RESERVE_MS = 3_000;

const joinBudget = (context: Context) =>
  budgetUntil(Date.now() + Math.min(JOIN_BUDGET_MS, context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS));

/** POST /sessions/{sessionId}/join — Chime credentials for one room, re-checked on every call. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = { ...lifecycleDeps(r), ...auditDeps(r), joinContext: r.joinContext() };
  return httpApi(
    {
      'POST /sessions/{sessionId}/join': async (event, identity, context) =>
        json(
          200,
          await issueJoinCredentials(deps, identity, pathParam(event, 'sessionId'), {
            budget: joinBudget(context),
          }),
          noStore,
        ),
    },
    claims,
  );
}

export const handler = createHandler();
