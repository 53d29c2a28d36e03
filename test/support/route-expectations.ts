import type { ErrorCode } from '#domain/errors.ts';
import type { Programme } from '#domain/programme.ts';
import { type RouteSpec, routeKey } from '#http/routes.ts';

/**
 * Who may call each route of the API, declared once per route: the authorization matrix
 * (test/integration/authorization-matrix.test.ts) calls every route as every persona and checks the
 * answer against this table, and the fuzz suite (test/integration/api-fuzz.test.ts) mutates the
 * well-formed request declared here. A route of routes.ts without an entry fails both.
 *
 * To add a route: add an entry keyed by its route key (`METHOD /path`, as in routes.ts) with
 * - `outcomes`: what each persona is answered (start from one of the presets below);
 * - `request`: a well-formed request, acting on `ctx.target`'s objects. For the persona
 *   `otherDelegation` the target is another delegation's (France's, while they are Brazil's delegate), so
 *   a route with a per-object check refuses them there; for every other persona it is their own (France),
 *   or what an organizer would act on.
 */

/** The callers: no token, participants of several kinds, and the secretariat. */
export const personas = [
  'anonymous',
  'participant',
  'otherDelegation',
  'revoked',
  'moderator',
  'organizer',
] as const;
export type Persona = (typeof personas)[number];

/**
 * - `allowed`: a 2xx, or a 4xx of the domain that the route documents and that does not refuse the
 *   caller for who they are (a room not open yet, an unknown participant, a seat taken);
 * - `unauthenticated`: 401 UNAUTHENTICATED;
 * - `forbidden`: 403 FORBIDDEN, with nothing written;
 * - `{ refused: code }`: refused for who the caller is, with that code (a refused join is audited, so
 *   its audit record is the one write allowed).
 */
export type Outcome = 'allowed' | 'unauthenticated' | 'forbidden' | { refused: ErrorCode };

/** Codes that refuse the caller for who they are: never an `allowed` answer. */
export const callerRefusals: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_REGISTERED',
  'PARTICIPANT_REVOKED',
];

export interface RequestSpec {
  /** Path parameters by name, as they are to be sent (already encoded). */
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body (sent as application/json). */
  body?: unknown;
}

export interface MatrixContext {
  persona: Persona;
  /** The objects the request acts on. */
  target: { delegation: string; participantId: string; sessionId: string };
  programme: Programme;
  /** A new participant of the target delegation, for routes that change or revoke one. */
  freshParticipant(): Promise<string>;
  /** A delegation code nobody has used yet. */
  freshCode(): string;
  /** The participant's (France's Head of Delegation's) request on the target room's speakers list. */
  queuedFloorRequest(): Promise<string>;
  /** The same request, given the floor. */
  heldFloor(): Promise<string>;
}

export interface RouteExpectation {
  outcomes: Record<Persona, Outcome>;
  request(ctx: MatrixContext): RequestSpec | Promise<RequestSpec>;
}

// Presets.

/** Organizer routes: nobody else, whatever they target. */
export const organizersOnly: Record<Persona, Outcome> = {
  anonymous: 'unauthenticated',
  participant: 'forbidden',
  otherDelegation: 'forbidden',
  revoked: 'forbidden',
  moderator: 'forbidden',
  organizer: 'allowed',
};

/** A participant's own record (/me): any registered participant, revoked or not; organizers are not participants. */
export const ownRecord: Record<Persona, Outcome> = {
  anonymous: 'unauthenticated',
  participant: 'allowed',
  otherDelegation: 'allowed',
  revoked: 'allowed',
  moderator: 'allowed',
  organizer: { refused: 'NOT_REGISTERED' },
};

/** Anyone signed in: the route answers each for themselves. */
const signedIn: Record<Persona, Outcome> = {
  anonymous: 'unauthenticated',
  participant: 'allowed',
  otherDelegation: 'allowed',
  revoked: 'allowed',
  moderator: 'allowed',
  organizer: 'allowed',
};
/** Who may follow a room's floor: whoever may join it now, its moderators, organizers. */
const floorFollowers: Record<Persona, Outcome> = { ...signedIn, revoked: 'forbidden' };
/** Running a room's floor: its moderators and organizers. */
const floorControl: Record<Persona, Outcome> = { ...organizersOnly, moderator: 'allowed' };

const sessionEnd = (ctx: MatrixContext, id: string) => {
  const session = ctx.programme.sessions.find((s) => s.id === id);
  if (!session) throw new Error(`no session ${id} in the programme`);
  return session.end;
};

export const routeExpectations: Record<string, RouteExpectation> = {
  'GET /me': { outcomes: ownRecord, request: () => ({}) },
  'POST /sessions/{sessionId}/join': {
    // The room is the target; the policy decides per participant (the moderator of an organization joins
    // Session I as an invited presenter).
    outcomes: { ...ownRecord, revoked: { refused: 'PARTICIPANT_REVOKED' } },
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'GET /delegations': { outcomes: organizersOnly, request: () => ({ query: { category: 'ObserverState' } }) },
  'POST /delegations': {
    outcomes: organizersOnly,
    request: (ctx) => ({
      body: { code: ctx.freshCode(), name: 'Matrix Organization', category: 'CivilSociety' },
    }),
  },
  'GET /delegations/{code}/in-person-seat': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { code: ctx.target.delegation } }),
  },
  'PUT /delegations/{code}/in-person-seat': {
    outcomes: organizersOnly,
    request: async (ctx) => ({
      path: { code: ctx.target.delegation },
      body: { participantId: await ctx.freshParticipant() },
    }),
  },
  'DELETE /delegations/{code}/in-person-seat': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { code: ctx.target.delegation } }),
  },
  'POST /participants/import': {
    outcomes: organizersOnly,
    request: (ctx) => ({
      body: [
        {
          name: 'Imported Delegate',
          email: `imported.${ctx.freshCode().toLowerCase()}@matrix.example.org`,
          delegation: ctx.target.delegation,
          role: 'Delegate',
        },
      ],
    }),
  },
  'POST /participants/import/dry-run': {
    outcomes: organizersOnly,
    request: (ctx) => ({
      body: [
        {
          name: 'Checked Delegate',
          email: `checked.${ctx.freshCode().toLowerCase()}@matrix.example.org`,
          delegation: ctx.target.delegation,
          role: 'Delegate',
        },
      ],
    }),
  },
  'GET /participants': {
    outcomes: organizersOnly,
    request: (ctx) => ({ query: { delegation: ctx.target.delegation, limit: '5' } }),
  },
  'GET /participants/{participantId}': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { participantId: ctx.target.participantId } }),
  },
  'PATCH /participants/{participantId}': {
    outcomes: organizersOnly,
    request: async (ctx) => ({
      path: { participantId: await ctx.freshParticipant() },
      body: { role: 'HeadOfDelegation' },
    }),
  },
  'POST /participants/{participantId}/revoke': {
    outcomes: organizersOnly,
    request: async (ctx) => ({ path: { participantId: await ctx.freshParticipant() } }),
  },
  'POST /sessions/{sessionId}/check-ins': {
    outcomes: organizersOnly,
    // A check-out is accepted for anyone (a check-in only for the seat holder).
    request: async (ctx) => ({
      path: { sessionId: ctx.target.sessionId },
      body: { participantId: await ctx.freshParticipant(), direction: 'out' },
    }),
  },
  'GET /sessions/{sessionId}/attendance': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'GET /sessions/{sessionId}/presence': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'GET /sessions/{sessionId}/presence/timeline': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId }, query: { step: '300' } }),
  },
  'GET /rooms': { outcomes: organizersOnly, request: () => ({}) },
  'GET /roll-call': { outcomes: organizersOnly, request: () => ({ query: { category: 'ObserverState' } }) },
  'GET /audit': { outcomes: organizersOnly, request: () => ({ query: { limit: '3' } }) },
  'GET /meeting-events/unmatched': { outcomes: organizersOnly, request: () => ({ query: { limit: '3' } }) },
  'GET /me/attendance': { outcomes: ownRecord, request: () => ({}) },
  'PATCH /sessions/{sessionId}': {
    outcomes: organizersOnly,
    // Session V keeps its end (the room is not the target of the other routes).
    request: (ctx) => ({ path: { sessionId: 'session-5' }, body: { end: sessionEnd(ctx, 'session-5') } }),
  },
  'POST /sessions/{sessionId}/close': {
    outcomes: organizersOnly,
    request: () => ({ path: { sessionId: 'closing' } }),
  },
  // The floor of Session I: the participant is France's Head of Delegation (who may take the floor),
  // the other delegation's is Brazil's delegate (who may follow it, not take it), the moderator moderates
  // the thematic rooms.
  'GET /sessions/{sessionId}/floor': {
    outcomes: { ...floorFollowers },
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'POST /sessions/{sessionId}/floor/requests': {
    outcomes: {
      anonymous: 'unauthenticated',
      participant: 'allowed',
      otherDelegation: { refused: 'FLOOR_NOT_ALLOWED' },
      revoked: { refused: 'PARTICIPANT_REVOKED' },
      moderator: { refused: 'FLOOR_NOT_ALLOWED' },
      organizer: { refused: 'NOT_REGISTERED' },
    },
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'DELETE /sessions/{sessionId}/floor/requests/{requestId}': {
    // France's Head of Delegation's request: theirs to withdraw, and the room's moderators' and organizers'.
    outcomes: { ...floorControl, participant: 'allowed' },
    request: async (ctx) => ({
      path: { sessionId: ctx.target.sessionId, requestId: await ctx.queuedFloorRequest() },
    }),
  },
  'PATCH /sessions/{sessionId}/floor/requests/{requestId}': {
    outcomes: floorControl,
    request: async (ctx) => ({
      path: { sessionId: ctx.target.sessionId, requestId: await ctx.queuedFloorRequest() },
      body: { position: 1 },
    }),
  },
  'POST /sessions/{sessionId}/floor/next': {
    outcomes: floorControl,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'POST /sessions/{sessionId}/floor/grant': {
    outcomes: floorControl,
    request: async (ctx) => ({
      path: { sessionId: ctx.target.sessionId },
      body: { requestId: await ctx.queuedFloorRequest() },
    }),
  },
  'POST /sessions/{sessionId}/floor/end': {
    outcomes: floorControl,
    request: async (ctx) => {
      await ctx.heldFloor();
      return { path: { sessionId: ctx.target.sessionId } };
    },
  },
  'POST /sessions/{sessionId}/floor/extend': {
    outcomes: floorControl,
    request: async (ctx) => {
      await ctx.heldFloor();
      return { path: { sessionId: ctx.target.sessionId }, body: { seconds: 30, reason: 'interpretation' } };
    },
  },
  'POST /sessions/{sessionId}/floor/mute-all': {
    outcomes: floorControl,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId } }),
  },
  'POST /sessions/{sessionId}/floor/credentials': {
    // France's Head of Delegation holds the floor: only they get credentials; to anyone else it is
    // NO_FLOOR_HOLDER (the floor has no holder of theirs).
    outcomes: { ...signedIn },
    request: async (ctx) => {
      await ctx.heldFloor();
      return { path: { sessionId: ctx.target.sessionId } };
    },
  },
  'GET /sessions/{sessionId}/interventions': {
    outcomes: organizersOnly,
    request: (ctx) => ({ path: { sessionId: ctx.target.sessionId }, query: { format: 'json' } }),
  },
  'GET /record': { outcomes: organizersOnly, request: () => ({}) },
  'GET /record/export': { outcomes: organizersOnly, request: () => ({}) },
};

/** Routes of the table with no declared expectation (the suites fail on any). */
export const missingExpectations = (
  routes: readonly RouteSpec[],
  table: Record<string, RouteExpectation> = routeExpectations,
): string[] => routes.map(routeKey).filter((key) => !table[key]);

/** Expectations declared for no route of the table (a route renamed or removed). */
export const unknownExpectations = (
  routes: readonly RouteSpec[],
  table: Record<string, RouteExpectation> = routeExpectations,
): string[] => {
  const keys = new Set(routes.map(routeKey));
  return Object.keys(table).filter((key) => !keys.has(key));
};

/** The URL path and query of a route with these parameters (values already encoded as they are to be sent). */
export function urlOf(route: Pick<RouteSpec, 'path'>, spec: Pick<RequestSpec, 'path'>, query = ''): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = spec.path?.[name];
    if (value === undefined) throw new Error(`no value for the path parameter ${name} of ${route.path}`);
    return value;
  });
  return query ? `${path}?${query}` : path;
}
