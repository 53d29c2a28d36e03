import { describe, expect, it } from 'vitest';
import type { Participant } from '#domain/participants.ts';
import type { ChimeMeeting } from '#ports/meetings.ts';
import type {
  AttendeeRepository,
  MeetingRegistry,
  ParticipantRepository,
  RoomMeeting,
  StoredAttendee,
} from '#ports/repositories.ts';
import { createParticipant } from '../fixtures/factories.ts';

/** The ports the placement relies on, as one adapter family provides them. */
export interface RepositoryFamily {
  registry: MeetingRegistry;
  attendees: AttendeeRepository;
  participants: ParticipantRepository;
  /** Registers a participant as an import would (epoch 0). */
  addParticipant(p: Participant): Promise<void>;
}

let rooms = 0;
const newRoom = () => `contract-room-${++rooms}-${Math.random().toString(36).slice(2, 8)}`;
const meeting = (id: string): ChimeMeeting => ({ MeetingId: id });
const base36 = (n: number) =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 36).toString(36)).join('');
const someone = () => {
  const id = `p_${base36(20)}`;
  return createParticipant({ id, email: `${id}@contract.example` });
};

/** A room whose meeting of generation 0 is published, with one replica. */
async function readyRoom(f: RepositoryFamily): Promise<RoomMeeting> {
  const roomId = newRoom();
  const now = new Date('2021-06-28T15:00:00Z');
  expect(await f.registry.claim(roomId, 0, now, new Date(now.getTime() - 10_000))).toBe(true);
  const rm: RoomMeeting = {
    roomId,
    meetingId: `${roomId}-p`,
    meeting: meeting(`${roomId}-p`),
    replicas: [],
    counts: { [`${roomId}-p`]: 0 },
    generation: 0,
    createdAt: now.toISOString(),
    verifiedAt: now.toISOString(),
  };
  await f.registry.publish(rm);
  await f.registry.addReplica(roomId, 0, 0, { meetingId: `${roomId}-r0`, meeting: meeting(`${roomId}-r0`) });
  const slot = await f.registry.slot(roomId);
  if (slot.state !== 'ready') throw new Error('not ready');
  return slot.roomMeeting;
}

const stored = (p: Participant, rm: RoomMeeting, attendeeId: string, generation = 0): StoredAttendee => ({
  participantId: p.id,
  roomId: rm.roomId,
  meetingId: rm.meetingId,
  generation,
  attendee: { AttendeeId: attendeeId, ExternalUserId: `${p.id}.nonce001`, JoinToken: 'secret' },
  capabilities: { Audio: 'Receive', Video: 'Receive', Content: 'Receive' },
  createdAt: '2021-06-28T15:00:00.000Z',
});

/**
 * The contract of the registry and the attendee store, run against the DynamoDB adapters (on DynamoDB
 * Local) and the in-memory ones: what placement relies on, races included.
 */
export function describeRepositoryContract(name: string, family: () => Promise<RepositoryFamily>) {
  describe(`Contract: registry and attendee store (${name})`, () => {
    it('lets exactly one of 20 concurrent claims create a room’s meeting', async () => {
      const f = await family();
      const roomId = newRoom();
      const now = new Date();
      const wins = await Promise.all(
        Array.from({ length: 20 }, () => f.registry.claim(roomId, 0, now, new Date(now.getTime() - 10_000))),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('never counts past a limit, whatever races: 60 reserves and 10 reserveUpTo against 50', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      const [single, many] = await Promise.all([
        Promise.all(Array.from({ length: 60 }, () => f.registry.reserve(rm.roomId, rm.meetingId, 50))),
        Promise.all(Array.from({ length: 10 }, () => f.registry.reserveUpTo(rm.roomId, rm.meetingId, 7, 50))),
      ]);
      const taken = single.filter(Boolean).length + many.reduce((a, b) => a + b, 0);
      const slot = await f.registry.slot(rm.roomId);
      expect(slot.state === 'ready' && slot.roomMeeting.counts[rm.meetingId]).toBe(50);
      expect(taken).toBe(50);
    });

    it('gives records back without going below zero, and marks a meeting full by setting its count', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      await f.registry.reserveUpTo(rm.roomId, rm.meetingId, 3, 250);
      await f.registry.giveBack(rm.roomId, rm.meetingId, 2);
      await f.registry.giveBack(rm.roomId, rm.meetingId, 5);
      let slot = await f.registry.slot(rm.roomId);
      expect(slot.state === 'ready' && slot.roomMeeting.counts[rm.meetingId]).toBe(1);
      await f.registry.markFull(rm.roomId, rm.meetingId, 250);
      await f.registry.markFull(rm.roomId, rm.meetingId, 250);
      slot = await f.registry.slot(rm.roomId);
      expect(slot.state === 'ready' && slot.roomMeeting.counts[rm.meetingId]).toBe(250);
    });

    it('closes a room: its meetings are returned (again on a retry), nothing more is claimed or reserved', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      const ids = await f.registry.close(rm.roomId, new Date());
      expect(ids).toEqual([rm.meetingId, `${rm.roomId}-r0`]);
      expect(await f.registry.close(rm.roomId, new Date())).toEqual(ids);
      expect(await f.registry.reserve(rm.roomId, rm.meetingId, 250)).toBe(false);
      expect(await f.registry.claim(rm.roomId, 0, new Date(), new Date())).toBe(false);
      expect(await f.registry.reopen(rm.roomId)).toBe(true);
      expect(await f.registry.slot(rm.roomId)).toEqual({ state: 'empty', generation: 1 });
    });

    it('stores an attendee once per participant and room, and says who holds it', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      const p = someone();
      await f.addParticipant(p);
      expect(await f.attendees.store(stored(p, rm, 'a-1'), 0)).toEqual({ outcome: 'stored' });
      const second = await f.attendees.store(stored(p, rm, 'a-2'), 0);
      expect(second.outcome).toBe('taken');
      expect(second.outcome === 'taken' && second.holder.attendee.AttendeeId).toBe('a-1');
      // A record of an older generation of the room's meetings gives way.
      expect(await f.attendees.store(stored(p, rm, 'a-3', 1), 0)).toEqual({ outcome: 'stored' });
    });

    it('refuses to store once the participant changed (the credential epoch moved)', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      const p = someone();
      await f.addParticipant(p);
      const current = (await f.participants.get(p.id)) as Participant;
      await f.participants.update({ ...current, revoked: true }, current.email);
      const after = (await f.participants.get(p.id)) as Participant;
      expect(after.credentialEpoch).toBeGreaterThan(current.credentialEpoch);
      expect(await f.attendees.store(stored(p, rm, 'a-1'), current.credentialEpoch)).toEqual({
        outcome: 'stale',
      });
      expect(await f.attendees.get(p.id, rm.roomId)).toBeNull();
      expect(await f.attendees.store(stored(p, rm, 'a-1'), after.credentialEpoch)).toEqual({
        outcome: 'stored',
      });
    });

    it('deletes and updates only the attendee named, not one stored since', async () => {
      const f = await family();
      const rm = await readyRoom(f);
      const p = someone();
      await f.addParticipant(p);
      await f.attendees.store(stored(p, rm, 'a-1'), 0);
      expect(await f.attendees.delete(p.id, rm.roomId, 'a-other')).toBe(false);
      const caps = { Audio: 'SendReceive', Video: 'SendReceive', Content: 'Receive' } as const;
      await f.attendees.updateCapabilities(p.id, rm.roomId, 'a-other', caps);
      expect((await f.attendees.get(p.id, rm.roomId))?.capabilities.Audio).toBe('Receive');
      await f.attendees.updateCapabilities(p.id, rm.roomId, 'a-1', caps);
      expect((await f.attendees.get(p.id, rm.roomId))?.capabilities).toEqual(caps);
      expect((await f.attendees.listForRoom(rm.roomId)).map((a) => a.participantId)).toEqual([p.id]);
      expect(await f.attendees.delete(p.id, rm.roomId, 'a-1')).toBe(true);
      expect(await f.attendees.listForParticipant(p.id)).toEqual([]);
    });
  });
}
