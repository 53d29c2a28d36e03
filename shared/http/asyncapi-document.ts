import { z } from 'zod';
import { FLOOR_NAMESPACE, floorChannelOf } from '#ports/room-channel.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { floorEventSchema, floorMutedAllEventSchema } from './responses.ts';

/**
 * The AsyncAPI 3.0 document of the floor channel (docs/floor.md, "Events on the channel"): AppSync
 * Events, one channel per room, on which clients only receive. The payloads are the JSON Schemas of the
 * zod schemas the API's own documents use (FloorEvent is also in docs/openapi.json), so the two cannot
 * drift. `npm run openapi` writes it beside the OpenAPI document, to docs/floor-channel.asyncapi.json;
 * test/unit/openapi.test.ts fails when it is stale and checks every example against its payload.
 */
type JsonObject = Record<string, unknown>;

/** A payload schema as AsyncAPI 3.0's default schema format takes it (JSON Schema draft-07). */
function payloadSchema(schema: z.ZodType): JsonObject {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    io: 'output',
    target: 'draft-7',
  }) as JsonObject;
  return rest;
}

const room = 'session-1';
const base = {
  roomId: room,
  requestId: 'fr_0k2m8x4q7w1z5n3b6v9',
  participantId: 'p_7h3k9m2x5q8w1z4n6b0v',
  delegationCode: 'FRA',
  mode: 'online',
} as const;
const moderator = 'moderator:moderator@example.org';

/** One example per event type, as the server publishes them (the unit test validates each). */
const floorEventExamples: { name: string; summary: string; payload: JsonObject }[] = [
  {
    name: 'inscribed',
    summary: 'France’s Head of Delegation asks for the floor: third on the list.',
    payload: {
      type: 'inscribed',
      ...base,
      at: '2021-06-28T15:40:00.000Z',
      by: base.participantId,
      version: 7,
      requestedAt: '2021-06-28T15:40:00.000Z',
      position: 3,
    },
  },
  {
    name: 'withdrawn',
    summary: 'The request is withdrawn by the system: the participant was revoked.',
    payload: {
      type: 'withdrawn',
      ...base,
      at: '2021-06-28T15:41:00.000Z',
      by: 'system:participant-change',
      version: 8,
      reason: 'revoked',
    },
  },
  {
    name: 'moved',
    summary: 'The moderator moves a request from fourth to second.',
    payload: {
      type: 'moved',
      ...base,
      at: '2021-06-28T15:42:00.000Z',
      by: moderator,
      version: 9,
      from: 4,
      position: 2,
    },
  },
  {
    name: 'granted',
    summary: 'The floor is given for three minutes: the server opens the holder’s microphone.',
    payload: {
      type: 'granted',
      ...base,
      at: '2021-06-28T15:45:00.000Z',
      by: moderator,
      version: 10,
      requestedAt: '2021-06-28T15:40:00.000Z',
      grantedAt: '2021-06-28T15:45:00.000Z',
      deadline: '2021-06-28T15:48:00.000Z',
      limitSeconds: 180,
    },
  },
  {
    name: 'warned',
    summary: 'Thirty seconds before the deadline.',
    payload: {
      type: 'warned',
      ...base,
      at: '2021-06-28T15:47:30.000Z',
      by: 'system:timer',
      version: 11,
      deadline: '2021-06-28T15:48:00.000Z',
    },
  },
  {
    name: 'extended',
    summary: 'The moderator gives thirty seconds more, with a reason.',
    payload: {
      type: 'extended',
      ...base,
      at: '2021-06-28T15:47:40.000Z',
      by: moderator,
      version: 12,
      seconds: 30,
      reason: 'Closing remarks',
      deadline: '2021-06-28T15:48:30.000Z',
    },
  },
  {
    name: 'overtime',
    summary:
      'An in-person speaker passes the deadline: the moderator ends it (the server cuts only online microphones).',
    payload: {
      type: 'overtime',
      ...base,
      mode: 'in-person',
      delegationCode: 'BRA',
      at: '2021-06-28T15:48:30.000Z',
      by: 'system:timer',
      version: 13,
      deadline: '2021-06-28T15:48:30.000Z',
    },
  },
  {
    name: 'dropped',
    summary: 'The holder’s connection dropped.',
    payload: {
      type: 'dropped',
      ...base,
      at: '2021-06-28T15:46:00.000Z',
      by: 'system:meeting-events',
      version: 14,
    },
  },
  {
    name: 'returned',
    summary: 'The holder is back after the drop.',
    payload: {
      type: 'returned',
      ...base,
      at: '2021-06-28T15:46:20.000Z',
      by: 'system:meeting-events',
      version: 15,
    },
  },
  {
    name: 'ended',
    summary: 'The time ran out: the server closed the holder’s microphone.',
    payload: {
      type: 'ended',
      ...base,
      at: '2021-06-28T15:48:30.000Z',
      by: 'system:timer',
      version: 16,
      how: 'time',
      grantedAt: '2021-06-28T15:45:00.000Z',
      deadline: '2021-06-28T15:48:30.000Z',
      limitSeconds: 180,
    },
  },
];

const mutedAllExample = {
  name: 'muted-all',
  summary: 'Every microphone but the holder’s was closed.',
  payload: { type: 'muted-all', roomId: room, at: '2021-06-28T15:50:00.000Z' },
};

const handshake =
  'The WebSocket handshake carries two subprotocols (`Sec-WebSocket-Protocol`): `aws-appsync-event-ws`, and `header-` followed by the base64url (no padding) of the JSON `{"Authorization": "<JWT>", "host": "<the Events API’s HTTP domain>"}`. The JWT is the one the HTTP API takes (an OIDC ID token of the stack’s user pool or the event’s provider). Then `connection_init` → `connection_ack`, `ka` keep-alives, and `subscribe` with `id`, `channel` and the same `authorization` object; each event arrives in a `data` message whose `event` is the JSON text of the payload below.';

export function floorChannelAsyncApiDocument(): JsonObject {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'floorpass floor channel',
      version: packageJson.version,
      description: `What a room’s floor does, live: one AppSync Events channel per room, \`${floorChannelOf('{sessionId}')}\`. Clients only receive; the server publishes (IAM). A client re-reads \`GET /sessions/{sessionId}/floor\` on each event and on reconnecting: the API’s answer is the truth, the channel says when to look. The HTTP API is described in openapi.json beside this document; docs/floor.md explains the floor.`,
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: '{realtimeDomain}',
        pathname: '/event/realtime',
        protocol: 'wss',
        title: 'AWS AppSync Events',
        description: `The event stack’s Events API (its real-time domain, \`wss://…appsync-realtime-api.<region>.amazonaws.com/event/realtime\`). Subscribing to a room is allowed by the namespace’s onSubscribe handler to those who may follow that room’s floor; a wildcard or another namespace is refused. ${handshake}`,
        variables: {
          realtimeDomain: {
            description: 'The Events API’s real-time DNS name.',
            default: 'abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.us-east-1.amazonaws.com',
          },
        },
        security: [{ $ref: '#/components/securitySchemes/jwt' }],
      },
      local: {
        host: '127.0.0.1:{port}',
        pathname: '/event/realtime',
        protocol: 'ws',
        title: 'npm start (local)',
        description:
          'The dev server’s stand-in for AppSync Events (local/appsync-events.ts): the same protocol and the same handshake, with the local issuer’s tokens.',
        variables: {
          port: { default: '3001', description: 'EVENTS_PORT: the API’s port plus one by default.' },
        },
        security: [{ $ref: '#/components/securitySchemes/jwt' }],
      },
    },
    channels: {
      floor: {
        address: `/${FLOOR_NAMESPACE}/{sessionId}`,
        title: 'A room’s floor',
        description: 'One channel per session room with a floor.',
        parameters: {
          sessionId: { description: 'The session room’s id, as in the programme (e.g. `session-1`).' },
        },
        messages: {
          floorEvent: { $ref: '#/components/messages/FloorEvent' },
          mutedAll: { $ref: '#/components/messages/FloorMutedAll' },
        },
        bindings: {
          ws: {
            method: 'GET',
            headers: {
              type: 'object',
              properties: {
                'Sec-WebSocket-Protocol': {
                  type: 'string',
                  description:
                    'aws-appsync-event-ws, header-<base64url of {"Authorization":"<JWT>","host":"<HTTP domain>"}>',
                },
              },
              required: ['Sec-WebSocket-Protocol'],
            },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations: {
      receiveFloorEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/floor' },
        title: 'Follow a room’s floor',
        summary:
          'Every change of the room’s speakers list and of its floor holder, in the order the server made them.',
        messages: [
          { $ref: '#/channels/floor/messages/floorEvent' },
          { $ref: '#/channels/floor/messages/mutedAll' },
        ],
        security: [{ $ref: '#/components/securitySchemes/jwt' }],
      },
    },
    components: {
      schemas: {
        FloorEvent: payloadSchema(floorEventSchema),
        FloorMutedAll: payloadSchema(floorMutedAllEventSchema),
      },
      messages: {
        FloorEvent: {
          name: 'FloorEvent',
          title: 'A floor event',
          summary:
            'What happened on the floor, as recorded (the same object is in the audit and the record).',
          contentType: 'application/json',
          payload: { $ref: '#/components/schemas/FloorEvent' },
          examples: floorEventExamples,
        },
        FloorMutedAll: {
          name: 'FloorMutedAll',
          title: 'Every microphone closed',
          contentType: 'application/json',
          payload: { $ref: '#/components/schemas/FloorMutedAll' },
          examples: [mutedAllExample],
        },
      },
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `Not an HTTP header: the JWT travels in the handshake’s \`header-\` subprotocol and in each \`subscribe\` message’s \`authorization\`, as AppSync Events expects. ${handshake}`,
        },
      },
    },
  };
}

/** The floor event types the channel carries, each with its example (the unit test checks the pairing). */
export const floorChannelExamples = { floorEvent: floorEventExamples, mutedAll: [mutedAllExample] };

/** The document as docs/floor-channel.asyncapi.json holds it. */
export const floorChannelAsyncApiJson = (): string =>
  `${JSON.stringify(floorChannelAsyncApiDocument(), null, 2)}\n`;
