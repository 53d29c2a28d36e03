import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldAttendance,
  type LedgerEvent,
  MAX_TIMELINE_POINTS,
  presenceTimeline,
  timelineStep,
} from '#domain/attendance.ts';

const T0 = Date.parse('2021-06-28T15:00:00Z');
const ROOM_END = Date.parse('2021-06-28T17:00:00Z');
const MINUTE = 60_000;
const min = (n: number) => T0 + n * MINUTE;
const ev = (
  type: LedgerEvent['type'],
  at: number,
  participantId: string,
  meetingId = 'm-1',
): LedgerEvent => ({
  type,
  at,
  roomId: 'session-1',
  participantId,
  ...(type === 'CheckIn' || type === 'CheckOut' ? {} : { meetingId, attendeeId: `a-${participantId}` }),
});

/** The timeline of a room's events, as the route makes it: folded first, as the report is. */
function timelineOf(
  events: LedgerEvent[],
  { asOf = ROOM_END + MINUTE, stepMs = MINUTE, to = ROOM_END } = {},
) {
  const rows = foldAttendance({ events, roomEnd: ROOM_END, issuedTo: [], asOf });
  return presenceTimeline({ rows, from: T0, to, stepMs, asOf });
}
const at = (t: ReturnType<typeof timelineOf>, minute: number) =>
  t.points.find((p) => p.at === min(minute)) ?? expect.unreachable(`no point at minute ${minute}`);

describe('Function: presenceTimeline', () => {
  it('counts a stay across a bucket boundary in both buckets, and not in the one after it ends', () => {
    // Prepare: 10:00:30 to 10:01:30 of a minute-step timeline
    const t = timelineOf([ev('Joined', min(0.5), 'p1'), ev('Left', min(1.5), 'p1')]);

    // Assess
    expect(at(t, 0)).toEqual({ at: min(0), online: 1, inPerson: 0, people: 1 });
    expect(at(t, 1)).toEqual({ at: min(1), online: 1, inPerson: 0, people: 1 });
    expect(at(t, 2)).toEqual({ at: min(2), online: 0, inPerson: 0, people: 0 });
    expect(t.points).toHaveLength(120);
  });

  it('does not count a stay in the bucket that starts at the instant it ends (buckets are half-open)', () => {
    const t = timelineOf([ev('Joined', min(3), 'p1'), ev('Left', min(5), 'p1')]);
    expect([2, 3, 4, 5].map((m) => at(t, m).online)).toEqual([0, 1, 1, 0]);
  });

  it('counts a person who rejoins once, and once through a drop and reconnect', () => {
    const t = timelineOf([
      ev('Joined', min(10), 'p1'),
      ev('Left', min(10.2), 'p1'),
      ev('Joined', min(10.6), 'p1', 'm-2'),
      ev('Dropped', min(12.1), 'p1', 'm-2'),
      ev('Joined', min(12.4), 'p1', 'm-2'),
      ev('Left', min(14), 'p1', 'm-2'),
    ]);
    expect([10, 11, 12, 13, 14].map((m) => at(t, m).online)).toEqual([1, 1, 1, 1, 0]);
    expect(t.totals).toEqual({ online: 1, inPerson: 0, people: 1 });
  });

  it('counts an open stay up to asOf, and has no point after asOf', () => {
    // Prepare: joined at 10:20, still in at 10:30:30
    const asOf = min(30.5);
    const t = timelineOf([ev('Joined', min(20), 'p1')], { asOf });

    // Assess
    expect(t.points).toHaveLength(31);
    expect(t.to).toBe(asOf);
    expect(t.points.at(-1)).toEqual({ at: min(30), online: 1, inPerson: 0, people: 1 });
    expect(at(t, 19).online).toBe(0);
  });

  it('tells door check-in and check-out apart from online, and counts a person in both modes once in people', () => {
    const t = timelineOf([
      ev('CheckIn', min(5), 'p1'),
      ev('CheckOut', min(7), 'p1'),
      ev('Joined', min(6.5), 'p1'),
      ev('Left', min(9), 'p1'),
      ev('CheckIn', min(6), 'p2'),
      ev('CheckOut', min(6.5), 'p2'),
    ]);
    expect(at(t, 5)).toEqual({ at: min(5), online: 0, inPerson: 1, people: 1 });
    expect(at(t, 6)).toEqual({ at: min(6), online: 1, inPerson: 2, people: 2 });
    expect(at(t, 8)).toEqual({ at: min(8), online: 1, inPerson: 0, people: 1 });
    expect(t.totals).toEqual({ online: 1, inPerson: 2, people: 2 });
  });

  it('closes a stay with no exit at the room’s end, as the report does', () => {
    const t = timelineOf([ev('Joined', min(100), 'p1')], {
      to: ROOM_END + 30 * MINUTE,
      asOf: ROOM_END + 31 * MINUTE,
    });
    expect(at(t, 119).online).toBe(1);
    expect(at(t, 120).online).toBe(0);
  });

  it('has no points before the window opens', () => {
    expect(timelineOf([ev('Joined', min(1), 'p1')], { asOf: T0 - MINUTE }).points).toEqual([]);
  });

  it('widens the step so that no window has more than MAX_TIMELINE_POINTS points', () => {
    expect(timelineStep(T0, T0 + 120 * MINUTE, MINUTE)).toBe(MINUTE);
    expect(timelineStep(T0, T0 + 120 * MINUTE, 5 * MINUTE)).toBe(5 * MINUTE);
    const threeDays = 3 * 24 * 60 * MINUTE;
    const step = timelineStep(T0, T0 + threeDays, MINUTE);
    expect(step).toBe(3 * MINUTE);
    expect(Math.ceil(threeDays / step)).toBeLessThanOrEqual(MAX_TIMELINE_POINTS);
    expect(() =>
      presenceTimeline({ rows: [], from: T0, to: T0 + threeDays, stepMs: MINUTE, asOf: T0 + threeDays }),
    ).toThrow(RangeError);
  });

  it('agrees with the report: every person of a stay in the window is in the totals, and in some point', () => {
    const person = fc.constantFrom('p1', 'p2', 'p3', 'p4');
    const event = fc.record({
      type: fc.constantFrom<LedgerEvent['type']>('Joined', 'Left', 'Dropped', 'CheckIn', 'CheckOut'),
      minute: fc.double({ min: 0, max: 119, noNaN: true }),
      who: person,
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.integer({ min: 1, max: 15 }), (events, step) => {
        const ledger = events.map((e) => ev(e.type, Math.round(min(e.minute)), e.who));
        const asOf = ROOM_END + MINUTE;
        const rows = foldAttendance({ events: ledger, roomEnd: ROOM_END, issuedTo: [], asOf });
        const t = presenceTimeline({ rows, from: T0, to: ROOM_END, stepMs: step * MINUTE, asOf });
        const withStays = new Set(rows.filter((r) => r.stays.length > 0).map((r) => r.participantId));
        expect(t.totals.people).toBe(withStays.size);
        for (const p of t.points) {
          expect(p.people).toBeLessThanOrEqual(p.online + p.inPerson);
          expect(p.people).toBeGreaterThanOrEqual(Math.max(p.online, p.inPerson));
          expect(p.people).toBeLessThanOrEqual(t.totals.people);
        }
        if (withStays.size > 0) expect(Math.max(...t.points.map((p) => p.people))).toBeGreaterThan(0);
      }),
    );
  });
});
