import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closeFloor,
  emptyFloor,
  end,
  extend,
  type FloorChange,
  type FloorEvent,
  type FloorRequest,
  type FloorState,
  grant,
  inscribe,
  interventions,
  move,
  presenceChanged,
  removeParticipant,
  timerFired,
  withdraw,
} from '#domain/floor.ts';

const T0 = Date.parse('2021-06-28T15:40:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const request = (n: number, mode: 'online' | 'in-person' = 'online'): FloorRequest => ({
  id: `fr_${String(n).padStart(19, '0')}`,
  participantId: `p_${String(n).padStart(20, '0')}`,
  delegationCode: `D${n}`,
  mode,
  requestedAt: at(n),
  inscribedBy: `p_${String(n).padStart(20, '0')}`,
});

/** Applies changes in turn, collecting their events. */
function run(state: FloorState, ...ops: ((s: FloorState) => FloorChange | null)[]) {
  const events: FloorEvent[] = [];
  let s = state;
  for (const op of ops) {
    const c = op(s);
    if (!c) continue;
    s = c.state;
    events.push(...c.events);
  }
  return { state: s, events };
}

describe('the floor (pure)', () => {
  it('keeps one open request per delegation, the floor included', () => {
    const s = inscribe(emptyFloor('r'), request(1)).state;
    expect(() => inscribe(s, { ...request(2), delegationCode: 'D1' })).toThrow(/already has a request/);
    const held = grant(s, null, 180, at(10), 'm').state;
    expect(() => inscribe(held, { ...request(3), delegationCode: 'D1' })).toThrow(/already/);
  });

  it('grants one holder at a time, the head of the list or a given request', () => {
    let s = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => inscribe(x, request(2)),
    ).state;
    expect(() => grant(emptyFloor('r'), null, 180, at(0), 'm')).toThrow(/empty/);
    const c = grant(s, request(2).id, 180, at(10), 'm');
    expect(c.state.holder?.id).toBe(request(2).id);
    expect(c.state.holder?.deadline).toBe(at(190));
    expect(c.state.queue.map((q) => q.id)).toEqual([request(1).id]);
    expect(() => grant(c.state, null, 180, at(11), 'm')).toThrow(/held/);
    s = end(c.state, 'moderator', at(20), 'm').state;
    expect(s.holder).toBeNull();
    expect(s.pendingCuts.map((p) => p.requestId)).toEqual([request(2).id]);
  });

  it('moves an entry, clamped to the list', () => {
    const s = run(emptyFloor('r'), ...[1, 2, 3].map((n) => (x: FloorState) => inscribe(x, request(n)))).state;
    expect(move(s, request(3).id, 1, at(5), 'm').state.queue.map((q) => q.delegationCode)).toEqual([
      'D3',
      'D1',
      'D2',
    ]);
    expect(move(s, request(1).id, 99, at(5), 'm').state.queue.map((q) => q.delegationCode)).toEqual([
      'D2',
      'D3',
      'D1',
    ]);
  });

  it('warns, then cuts an online holder and turns an in-person one to overtime; stale timers do nothing', () => {
    const online = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => grant(x, null, 180, at(10), 'm'),
    ).state;
    const deadline = online.holder?.deadline as string;
    const warn = timerFired(online, { kind: 'floor.warn', requestId: request(1).id, deadline }, at(160));
    expect(warn?.events[0]?.type).toBe('warned');
    // An extension moves the deadline: the old deadline's timer is stale.
    const extended = extend(online, 60, 'interpretation', 180, at(100), 'm').state;
    expect(
      timerFired(extended, { kind: 'floor.deadline', requestId: request(1).id, deadline }, at(190)),
    ).toBeNull();
    const cut = timerFired(online, { kind: 'floor.deadline', requestId: request(1).id, deadline }, at(190));
    expect(cut?.events[0]).toMatchObject({ type: 'ended', how: 'time' });
    const hall = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(2, 'in-person')),
      (x) => grant(x, null, 180, at(10), 'm'),
    );
    const over = timerFired(
      hall.state,
      { kind: 'floor.deadline', requestId: request(2).id, deadline: at(190) },
      at(190),
    );
    expect(over?.events[0]?.type).toBe('overtime');
    expect(over?.state.holder?.overtimeAt).toBe(at(190));
    // After an early end, every timer of the intervention is stale.
    const ended = end(online, 'moderator', at(50), 'm').state;
    expect(
      timerFired(ended, { kind: 'floor.deadline', requestId: request(1).id, deadline }, at(190)),
    ).toBeNull();
  });

  it('refuses an extension beyond the room’s limit', () => {
    const s = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => grant(x, null, 180, at(10), 'm'),
    ).state;
    expect(() => extend(s, 181, 'too long', 180, at(20), 'm')).toThrow(/1 to 180/);
    expect(() => extend(emptyFloor('r'), 10, 'x', 180, at(20), 'm')).toThrow(/Nobody/);
  });

  it('keeps the floor through a drop within the grace, and ends it by the grace timer otherwise', () => {
    const s = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => grant(x, null, 180, at(10), 'm'),
    ).state;
    const dropped = presenceChanged(s, request(1).participantId, false, at(30));
    expect(dropped?.state.holder?.droppedAt).toBe(at(30));
    const back = presenceChanged(dropped?.state as FloorState, request(1).participantId, true, at(40));
    expect(back?.state.holder?.droppedAt).toBeNull();
    expect(
      timerFired(
        back?.state as FloorState,
        { kind: 'floor.grace', requestId: request(1).id, droppedAt: at(30) },
        at(50),
      ),
    ).toBeNull();
    const gone = timerFired(
      dropped?.state as FloorState,
      { kind: 'floor.grace', requestId: request(1).id, droppedAt: at(30) },
      at(50),
    );
    expect(gone?.events[0]).toMatchObject({ type: 'ended', how: 'dropped' });
  });

  it('ends the intervention and clears the list when the room closes; removes only the changed participant', () => {
    const s = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => inscribe(x, request(2)),
      (x) => inscribe(x, request(3)),
      (x) => grant(x, null, 180, at(10), 'm'),
    ).state;
    const closed = closeFloor(s, at(20));
    expect(closed?.state.holder).toBeNull();
    expect(closed?.state.queue).toEqual([]);
    expect(closed?.events.map((e) => [e.type, e.how ?? e.reason])).toEqual([
      ['ended', 'room-closed'],
      ['withdrawn', 'room-closed'],
      ['withdrawn', 'room-closed'],
    ]);
    expect(closeFloor(emptyFloor('r'), at(20))).toBeNull();
    const removed = removeParticipant(s, request(2).participantId, 'revoked', at(20), 'system');
    expect(removed?.state.holder?.id).toBe(request(1).id);
    expect(removed?.state.queue.map((q) => q.id)).toEqual([request(3).id]);
    expect(removeParticipant(s, 'p_nobody', 'revoked', at(20), 'system')).toBeNull();
  });

  it('withdrawing the holder’s request ends the intervention', () => {
    const s = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => grant(x, null, 180, at(10), 'm'),
    ).state;
    expect(withdraw(s, request(1).id, at(20), 'p').events[0]).toMatchObject({
      type: 'ended',
      how: 'withdrawn',
    });
  });

  it('gives the same interventions table whatever order (and repetition) the events come in (property)', () => {
    const { events } = run(
      emptyFloor('r'),
      (x) => inscribe(x, request(1)),
      (x) => inscribe(x, request(2, 'in-person')),
      (x) => inscribe(x, request(3)),
      (x) => grant(x, null, 180, at(10), 'm'),
      (x) => extend(x, 30, 'interpretation', 180, at(100), 'm'),
      (x) => end(x, 'moderator', at(200), 'm'),
      (x) => grant(x, null, 180, at(210), 'm'),
      (x) => end(x, 'moderator', at(400), 'm'),
      (x) => withdraw(x, request(3).id, at(401), 'p'),
    );
    const expected = interventions(events);
    expect(expected).toMatchObject([
      {
        order: 1,
        delegationCode: 'D1',
        secondsSpoken: 190,
        extendedSeconds: 30,
        overrunSeconds: 0,
        endedBy: 'moderator',
      },
      {
        order: 2,
        delegationCode: 'D2',
        mode: 'in-person',
        secondsSpoken: 190,
        overrunSeconds: 10,
        endedBy: 'moderator',
      },
    ]);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length }),
        fc.array(fc.constantFrom(...events)),
        (shuffled, repeats) => {
          expect(interventions([...shuffled, ...repeats])).toEqual(expected);
        },
      ),
    );
  });
});
