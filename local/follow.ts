/**
 * `npm run follow -- <sessionId> [email]`: follows a room's floor on the running `npm start`, as a client
 * would: a token from the local issuer, the floor's state (GET /sessions/{id}/floor), then every event of
 * the room's channel as it comes (the AppSync Events WebSocket protocol, through the project's own client).
 * FLOORPASS_URL (http://127.0.0.1:3000) and FLOORPASS_EVENTS_URL (ws://127.0.0.1:3001/event/realtime)
 * say where. Ctrl-C stops it.
 */
import WebSocket from 'ws';
import { connectFloorChannel } from '#clients/floor-channel-client.ts';

const [sessionId = 'session-1', email = 'hod.fra@example.org'] = process.argv.slice(2);
const api = process.env.FLOORPASS_URL ?? 'http://127.0.0.1:3000';
const events =
  process.env.FLOORPASS_EVENTS_URL ?? `ws://127.0.0.1:${Number(new URL(api).port || 80) + 1}/event/realtime`;

const { token } = (await (
  await fetch(`${api}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  })
).json()) as { token: string };
const floor = await fetch(`${api}/sessions/${sessionId}/floor`, {
  headers: { authorization: `Bearer ${token}` },
});
console.log(`floor of ${sessionId} as ${email}: ${floor.status}`);
console.log(JSON.stringify(await floor.json(), null, 2));

const client = await connectFloorChannel({ url: events, token, WebSocket: WebSocket as never });
const subscription = await client.subscribe(sessionId);
console.log(`following /floor/${sessionId} on ${events} (Ctrl-C stops)`);
for await (const event of subscription) console.log(JSON.stringify(event));
