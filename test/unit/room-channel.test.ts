/**
 * The floor channel's names (one channel per room, `/floor/{roomId}`) and its in-memory fake.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryRoomChannel } from '#adapters/memory/room-channel.ts';
import { floorChannelOf, roomOfFloorChannel } from '#ports/room-channel.ts';

describe('Port: RoomChannel', () => {
  it('names one channel per room in the floor namespace, and reads the room back from it', () => {
    // Assess
    expect(floorChannelOf('session-2a')).toBe('/floor/session-2a');
    expect(roomOfFloorChannel('/floor/session-2a')).toBe('session-2a');
  });

  it.each([
    '/floor/*',
    '/floor/session-1/extra',
    '/default/session-1',
    '/floor/Session-1',
    '/floor/',
    'floor/session-1',
  ])('reads no room from %s', (channel) => {
    // Assess
    expect(roomOfFloorChannel(channel)).toBeNull();
  });
});

describe('Adapter: memory RoomChannel', () => {
  it('keeps what was published, per room, as a subscriber would have received it', async () => {
    // Prepare
    const channel = createMemoryRoomChannel();

    // Act
    await channel.publish('session-1', { type: 'floor.granted', at: new Date('2021-06-28T15:40:00Z') });
    await channel.publish('session-2a', { type: 'floor.ended' });

    // Assess
    expect(channel.eventsOf('session-1')).toEqual([
      { type: 'floor.granted', at: '2021-06-28T15:40:00.000Z' },
    ]);
    expect(channel.published.map((p) => p.channel)).toEqual(['/floor/session-1', '/floor/session-2a']);
  });
});
