/**
 * The HTTP API: every route, the function that serves it, and whether it is for organizers. Read by
 * the CDK stack (routes and integrations) and the local dev server, so the two cannot drift apart.
 */
export const functionNames = [
  'get-me',
  'join-session',
  'delegations',
  'participants',
  'attendance',
  'sessions',
  'floor',
  'record-export',
] as const;
export type FunctionName = (typeof functionNames)[number];

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  organizerOnly: boolean;
}

export const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/me', fn: 'get-me', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/join', fn: 'join-session', organizerOnly: false },
  { method: 'GET', path: '/delegations', fn: 'delegations', organizerOnly: true },
  { method: 'POST', path: '/delegations', fn: 'delegations', organizerOnly: true },
  { method: 'GET', path: '/delegations/{code}/in-person-seat', fn: 'delegations', organizerOnly: true },
  { method: 'PUT', path: '/delegations/{code}/in-person-seat', fn: 'delegations', organizerOnly: true },
  { method: 'DELETE', path: '/delegations/{code}/in-person-seat', fn: 'delegations', organizerOnly: true },
  { method: 'POST', path: '/participants/import', fn: 'participants', organizerOnly: true },
  { method: 'POST', path: '/participants/import/dry-run', fn: 'participants', organizerOnly: true },
  { method: 'GET', path: '/participants', fn: 'participants', organizerOnly: true },
  { method: 'GET', path: '/participants/{participantId}', fn: 'participants', organizerOnly: true },
  { method: 'PATCH', path: '/participants/{participantId}', fn: 'participants', organizerOnly: true },
  { method: 'POST', path: '/participants/{participantId}/revoke', fn: 'participants', organizerOnly: true },
  { method: 'POST', path: '/sessions/{sessionId}/check-ins', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/sessions/{sessionId}/attendance', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/sessions/{sessionId}/presence', fn: 'attendance', organizerOnly: true },
  {
    method: 'GET',
    path: '/sessions/{sessionId}/presence/timeline',
    fn: 'attendance',
    organizerOnly: true,
  },
  { method: 'GET', path: '/roll-call', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/audit', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/rooms', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/meeting-events/unmatched', fn: 'attendance', organizerOnly: true },
  { method: 'GET', path: '/me/attendance', fn: 'attendance', organizerOnly: false },
  { method: 'PATCH', path: '/sessions/{sessionId}', fn: 'sessions', organizerOnly: true },
  { method: 'POST', path: '/sessions/{sessionId}/close', fn: 'sessions', organizerOnly: true },
  // The floor: participants inscribe themselves; the room's moderators and organizers run it (checked in
  // the use case, per room); the holder fetches their promotion credentials.
  { method: 'GET', path: '/sessions/{sessionId}/floor', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/requests', fn: 'floor', organizerOnly: false },
  {
    method: 'DELETE',
    path: '/sessions/{sessionId}/floor/requests/{requestId}',
    fn: 'floor',
    organizerOnly: false,
  },
  {
    method: 'PATCH',
    path: '/sessions/{sessionId}/floor/requests/{requestId}',
    fn: 'floor',
    organizerOnly: false,
  },
  { method: 'POST', path: '/sessions/{sessionId}/floor/next', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/grant', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/end', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/extend', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/mute-all', fn: 'floor', organizerOnly: false },
  { method: 'POST', path: '/sessions/{sessionId}/floor/credentials', fn: 'floor', organizerOnly: false },
  { method: 'GET', path: '/sessions/{sessionId}/interventions', fn: 'floor', organizerOnly: true },
  { method: 'GET', path: '/record', fn: 'record-export', organizerOnly: true },
  { method: 'GET', path: '/record/export', fn: 'record-export', organizerOnly: true },
];

export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method} ${r.path}`;
