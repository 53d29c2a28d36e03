/**
 * An in-memory floor channel for use-case tests: it keeps what was published, in order, as the
 * subscribers of each room would have received it (the event as JSON, parsed back).
 */
import { floorChannelOf, type RoomChannel } from '#ports/room-channel.ts';

export interface PublishedFloorEvent {
  roomId: string;
  channel: string;
  event: Record<string, unknown>;
}

export interface MemoryRoomChannel extends RoomChannel {
  /** Everything published so far, oldest first. */
  readonly published: readonly PublishedFloorEvent[];
  /** The events published on one room, oldest first. */
  eventsOf(roomId: string): Record<string, unknown>[];
  clear(): void;
}

export function createMemoryRoomChannel(): MemoryRoomChannel {
  const published: PublishedFloorEvent[] = [];
  return {
    published,
    async publish(roomId, event) {
      // Through JSON, as the wire does: what cannot be serialized is not what a client would get.
      published.push({ roomId, channel: floorChannelOf(roomId), event: JSON.parse(JSON.stringify(event)) });
    },
    eventsOf: (roomId) => published.filter((p) => p.roomId === roomId).map((p) => p.event),
    clear: () => {
      published.length = 0;
    },
  };
}
