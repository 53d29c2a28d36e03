import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  CHIME_ATTENDEES_PER_MEETING,
  candidateMeetings,
  meetingLimit,
  replicasNeeded,
  roomCapacity,
} from '#domain/capacity.ts';

const AUDIENCE_IN_PRIMARY = meetingLimit('primary', 'audience');
const PANEL_IN_PRIMARY = meetingLimit('primary', 'panel');

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('Function: allocate', () => {
  it('puts speakers in the primary and fills replicas in order', () => {
    const plan = allocate(ids('s', 3), ids('a', 600), { primary: 0, replicas: [] }, 4);
    expect(plan.primary.slice(0, 3)).toEqual(['s0', 's1', 's2']);
    expect(plan.primary).toHaveLength(AUDIENCE_IN_PRIMARY);
    expect(plan.replicas.map((r) => r.length)).toEqual([250, 113]);
    expect(plan.unplaced).toEqual([]);
  });

  it('leaves out whom no allowed meeting can hold', () => {
    const plan = allocate([], ids('a', 500), { primary: 200, replicas: [230] }, 1);
    expect(plan.primary).toHaveLength(40);
    expect(plan.replicas).toEqual([ids('a', 20).map((_, i) => `a${40 + i}`)]);
    expect(plan.unplaced).toHaveLength(440);
  });

  it('places everyone once, within every meeting’s capacity, speakers only in the primary (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 250 }),
        fc.array(fc.integer({ min: 0, max: 250 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 12 }),
        (speakers, audience, primaryLoad, replicaLoads, maxReplicas) => {
          const s = ids('s', speakers);
          const a = ids('a', audience);
          const load = { primary: primaryLoad, replicas: replicaLoads.slice(0, maxReplicas) };
          const plan = allocate(s, a, load, maxReplicas);
          const placed = [...plan.primary, ...plan.replicas.flat(), ...plan.unplaced];
          expect(placed.sort()).toEqual([...s, ...a].sort());
          // The panel never takes the promotion's reserve; the audience never the panel's.
          const audienceInPrimary = plan.primary.filter((id) => id.startsWith('a')).length;
          expect(plan.primary.length + primaryLoad).toBeLessThanOrEqual(
            Math.max(PANEL_IN_PRIMARY, primaryLoad),
          );
          if (audienceInPrimary > 0) {
            expect(plan.primary.length + primaryLoad).toBeLessThanOrEqual(
              Math.max(AUDIENCE_IN_PRIMARY, primaryLoad) + plan.primary.length - audienceInPrimary,
            );
          }
          plan.replicas.forEach((r, i) => {
            expect(r.length + (load.replicas[i] ?? 0)).toBeLessThanOrEqual(
              Math.max(CHIME_ATTENDEES_PER_MEETING, load.replicas[i] ?? 0),
            );
          });
          expect(plan.replicas.length).toBeLessThanOrEqual(maxReplicas);
          expect(plan.replicas.flat().some((id) => id.startsWith('s'))).toBe(false);
          if (plan.unplaced.some((id) => id.startsWith('a'))) {
            expect(primaryLoad + plan.primary.length).toBeGreaterThanOrEqual(AUDIENCE_IN_PRIMARY);
            // Nobody is left out while any meeting the account allows has room.
            for (let i = 0; i < maxReplicas; i++) {
              expect((plan.replicas[i]?.length ?? 0) + (load.replicas[i] ?? 0)).toBeGreaterThanOrEqual(
                CHIME_ATTENDEES_PER_MEETING,
              );
            }
          }
        },
      ),
    );
  });

  it('says how many replicas an audience needs', () => {
    expect([0, 240, 241, 490, 491, 3000, 10_000].map((n) => replicasNeeded(n))).toEqual([
      0, 0, 1, 1, 2, 12, 40,
    ]);
  });

  it('takes 10,000 online participants in a room with 40 replicas (Chime’s highest replica quota)', () => {
    expect(roomCapacity(40)).toBeGreaterThanOrEqual(10_000);
    const plan = allocate(ids('s', 12), ids('a', 9_988), { primary: 0, replicas: [] }, 40);
    expect(plan.unplaced).toEqual([]);
  });
});

describe('Function: meetingLimit', () => {
  it('keeps the primary’s reserve for the panel and the floor holder, and fills replicas to 250', () => {
    expect(meetingLimit('replica', 'audience')).toBe(250);
    expect(meetingLimit('replica', 'panel')).toBe(0);
    expect(meetingLimit('primary', 'audience')).toBeLessThan(meetingLimit('primary', 'panel'));
    expect(meetingLimit('primary', 'panel')).toBeLessThan(meetingLimit('primary', 'promotion'));
    expect(meetingLimit('primary', 'promotion')).toBe(250);
    expect(candidateMeetings('panel', 'p', ['r0', 'r1'])).toEqual(['p']);
    expect(candidateMeetings('audience', 'p', ['r0', 'r1'])).toEqual(['p', 'r0', 'r1']);
  });
});
