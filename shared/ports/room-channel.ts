/** Tells the clients following a room what changed on its floor: AppSync Events in AWS, the dev server's WebSocket locally. */
export interface RoomChannel {
  /** Publishes one event (a JSON object, no secret) on `/floor/{roomId}`. Never throws: a lost publish is logged and counted (clients re-read GET /sessions/{id}/floor on reconnect). */
  publish(roomId: string, event: Record<string, unknown>): Promise<void>;
}
