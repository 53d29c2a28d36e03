import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldAttendance, type LedgerEvent } from '#domain/attendance.ts';

const T0 = Date.parse('2021-06-28T15:00:00Z');
const ROOM_END = Date.parse('2021-06-28T17:00:00Z');
const min = (n: number) => T0 + n * 60_000;
const ev = (
  type: LedgerEvent['type'],
  at: number,
  participantId?: string,
  meetingId = 'm-1',
): LedgerEvent => ({
  type,
  at,
  roomId: 'session-1',
  ...(type === 'CheckIn' || type === 'CheckOut' ? {} : { meetingId }),
  ...(participantId
    ? { participantId, ...(type.startsWith('Check') ? {} : { attendeeId: `a-${participantId}` }) }
    : {}),
});

describe('Function: foldAttendance', () => {
  it('makes one stay of join, drop, rejoin, leave — the drop gap not counted', () => {
    const rows = foldAttendance({
      events: [
        ev('Joined', min(0), 'p1'),
        ev('Dropped', min(10), 'p1'),
        ev('Joined', min(11), 'p1'),
        ev('Left', min(30), 'p1'),
      ],
      roomEnd: ROOM_END,
      issuedTo: ['p1'],
      asOf: ROOM_END + 1,
    });
    expect(rows).toEqual([
      {
        participantId: 'p1',
        mode: 'online',
        stays: [{ from: min(0), to: min(30), seconds: 29 * 60, reconnects: 1, closedBy: 'left' }],
        firstIn: min(0),
        lastOut: min(30),
        totalSeconds: 29 * 60,
        status: 'attended',
      },
    ]);
  });

  it('closes a stay with no Left at the meeting’s end, and flags it', () => {
    const [row] = foldAttendance({
      events: [ev('Joined', min(0), 'p1'), ev('MeetingEnded', min(45))],
      roomEnd: ROOM_END,
      issuedTo: [],
      asOf: ROOM_END + 1,
    });
    expect(row?.stays).toEqual([
      { from: min(0), to: min(45), seconds: 45 * 60, reconnects: 0, closedBy: 'meeting-end' },
    ]);
  });

  it('closes a stay with no Left at the room’s end once it has passed, and keeps it open before', () => {
    const events = [ev('Joined', min(0), 'p1')];
    const [after] = foldAttendance({ events, roomEnd: ROOM_END, issuedTo: [], asOf: ROOM_END + 5 });
    const [during] = foldAttendance({ events, roomEnd: ROOM_END, issuedTo: [], asOf: min(20) });
    expect(after?.stays[0]).toMatchObject({ to: ROOM_END, closedBy: 'room-end' });
    expect(during).toMatchObject({ status: 'present-now', lastOut: null, totalSeconds: 20 * 60 });
    expect(during?.stays[0]).toMatchObject({ to: null, closedBy: null });
  });

  it('ends a stay at the drop when the participant never came back', () => {
    const [row] = foldAttendance({
      events: [ev('Joined', min(0), 'p1'), ev('Dropped', min(5), 'p1'), ev('MeetingEnded', min(40))],
      roomEnd: ROOM_END,
      issuedTo: [],
      asOf: ROOM_END + 1,
    });
    expect(row?.stays).toEqual([
      { from: min(0), to: min(5), seconds: 300, reconnects: 0, closedBy: 'dropped' },
    ]);
  });

  it('lists credentials issued and never used', () => {
    const rows = foldAttendance({
      events: [ev('Joined', min(0), 'p1')],
      roomEnd: ROOM_END,
      issuedTo: ['p1', 'p2'],
      asOf: min(1),
    });
    expect(rows.map((r) => [r.participantId, r.status])).toEqual([
      ['p1', 'present-now'],
      ['p2', 'issued-never-connected'],
    ]);
  });

  it('shows a seat hand-over as two people, each with their own in-person stay', () => {
    const rows = foldAttendance({
      events: [
        ev('CheckIn', min(0), 'a'),
        ev('CheckOut', min(50), 'a'),
        ev('CheckIn', min(52), 'b'),
        ev('CheckOut', min(90), 'b'),
      ],
      roomEnd: ROOM_END,
      issuedTo: [],
      asOf: ROOM_END + 1,
    });
    expect(rows.map((r) => [r.participantId, r.mode, r.totalSeconds, r.stays[0]?.closedBy])).toEqual([
      ['a', 'in-person', 50 * 60, 'check-out'],
      ['b', 'in-person', 38 * 60, 'check-out'],
    ]);
  });

  it('gives the identical report for any permutation and duplication of the same events (property)', () => {
    const participant = fc.constantFrom('p1', 'p2', 'p3');
    const event = fc.oneof(
      fc.record({
        type: fc.constantFrom('Joined', 'Left', 'Dropped', 'CheckIn', 'CheckOut') as fc.Arbitrary<
          LedgerEvent['type']
        >,
        minute: fc.integer({ min: 0, max: 150 }),
        participant,
        meeting: fc.constantFrom('m-1', 'm-2'),
      }),
      fc.record({
        type: fc.constantFrom('MeetingStarted', 'MeetingEnded') as fc.Arbitrary<LedgerEvent['type']>,
        minute: fc.integer({ min: 0, max: 150 }),
        participant: fc.constant(undefined),
        meeting: fc.constantFrom('m-1', 'm-2'),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        (specs, shuffleKeys, asOfMinute) => {
          const events = specs.map((s) => ev(s.type, min(s.minute), s.participant, s.meeting));
          // Deliver every event one to three times, in an arbitrary order.
          const delivered = events.flatMap(
            (e, i) => Array(1 + ((shuffleKeys[i] ?? 0) % 3)).fill(e) as LedgerEvent[],
          );
          const shuffled = delivered
            .map((e, i) => ({ e, k: shuffleKeys[i % Math.max(1, shuffleKeys.length)] ?? i }))
            .sort((a, b) => a.k - b.k)
            .map((x) => structuredClone(x.e))
            .reverse();
          const input = { roomEnd: ROOM_END, issuedTo: ['p1', 'p3'], asOf: min(asOfMinute) };
          expect(foldAttendance({ ...input, events: shuffled })).toEqual(
            foldAttendance({ ...input, events }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports whole seconds, each stay rounded down, the total the sum of the stays', () => {
    const rows = foldAttendance({
      events: [
        ev('Joined', T0 + 250, 'p1'),
        ev('Dropped', T0 + 10_999, 'p1'), // 10.749 s connected
        ev('Joined', T0 + 12_000, 'p1'),
        ev('Left', T0 + 20_600, 'p1'), // + 8.6 s: one stay of 19.349 s
        ev('Joined', T0 + 30_000, 'p1'),
        ev('Left', T0 + 30_999, 'p1'), // a second stay of 0.999 s
      ],
      roomEnd: ROOM_END,
      issuedTo: [],
      asOf: ROOM_END + 1,
    });
    expect(rows[0]?.stays.map((s) => s.seconds)).toEqual([19, 0]);
    expect(rows[0]?.totalSeconds).toBe(19);
  });

  it('never reports a fraction of a second, open stays included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom('Joined', 'Left', 'Dropped', 'CheckIn', 'CheckOut') as fc.Arbitrary<
              LedgerEvent['type']
            >,
            ms: fc.integer({ min: 0, max: 3 * 3_600_000 }),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 3 * 3_600_000 }),
        (specs, asOf) => {
          const rows = foldAttendance({
            events: specs.map((s) => ev(s.type, T0 + s.ms, 'p1')),
            roomEnd: ROOM_END,
            issuedTo: [],
            asOf: T0 + asOf,
          });
          for (const row of rows) {
            expect(Number.isInteger(row.totalSeconds)).toBe(true);
            expect(row.totalSeconds).toBe(row.stays.reduce((sum, s) => sum + s.seconds, 0));
            for (const stay of row.stays) expect(Number.isInteger(stay.seconds)).toBe(true);
          }
        },
      ),
    );
  });

  it('never counts more time than the stay lasts, nor negative time (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom('Joined', 'Left', 'Dropped') as fc.Arbitrary<LedgerEvent['type']>,
            minute: fc.integer({ min: 0, max: 150 }),
          }),
          { maxLength: 30 },
        ),
        (specs) => {
          const rows = foldAttendance({
            events: specs.map((s) => ev(s.type, min(s.minute), 'p1')),
            roomEnd: ROOM_END,
            issuedTo: [],
            asOf: ROOM_END + 1,
          });
          for (const stay of rows.flatMap((r) => r.stays)) {
            expect(stay.seconds).toBeGreaterThanOrEqual(0);
            expect(stay.seconds * 1000).toBeLessThanOrEqual((stay.to as number) - stay.from);
          }
        },
      ),
    );
  });
});
