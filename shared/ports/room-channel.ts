/**
 * The floor's real-time channel: one per session room, `/floor/{roomId}`. The namespace and the path
 * are written here once, for the publisher, the subscribe check, the local Events server and the CDK
 * namespace alike.
 */

/** Tells the clients following a room what changed on its floor: AppSync Events in AWS, the dev server's WebSocket locally. */
export interface RoomChannel {
  /** Publishes one event (a JSON object, no secret) on `/floor/{roomId}`. Never throws: a lost publish is logged and counted (clients re-read GET /sessions/{id}/floor on reconnect). */
  publish(roomId: string, event: Record<string, unknown>): Promise<void>;
}

/** The AppSync Events channel namespace of the floor (the channel path's first segment). */
export const FLOOR_NAMESPACE = 'floor';

/** The channel a room's floor events go out on. */
export const floorChannelOf = (roomId: string): string => `/${FLOOR_NAMESPACE}/${roomId}`;

/** Room ids as the programme allows them (roomIdSchema): lower-case letters, digits and hyphens. */
const floorChannelPattern = new RegExp(`^/${FLOOR_NAMESPACE}/([a-z0-9][a-z0-9-]{1,40})$`);

/**
 * The room a channel path names, or null for any other path: another namespace, a wildcard
 * (`/floor/*`), a deeper path. Subscribing is decided room by room, so only an exact room channel can
 * be followed.
 */
export function roomOfFloorChannel(channel: string): string | null {
  return floorChannelPattern.exec(channel)?.[1] ?? null;
}
