import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, MEETING_CAPACITY, replicasNeeded } from '#domain/capacity.ts';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('Function: allocate', () => {
  it('puts speakers in the primary and fills replicas in order', () => {
    const plan = allocate(ids('s', 3), ids('a', 600), { primary: 0, replicas: [] }, 4);
    expect(plan.primary.slice(0, 3)).toEqual(['s0', 's1', 's2']);
    expect(plan.primary).toHaveLength(MEETING_CAPACITY);
    expect(plan.replicas.map((r) => r.length)).toEqual([240, 123]);
    expect(plan.unplaced).toEqual([]);
  });

  it('leaves out whom no allowed meeting can hold', () => {
    const plan = allocate([], ids('a', 500), { primary: 200, replicas: [230] }, 1);
    expect(plan.primary).toHaveLength(40);
    expect(plan.replicas).toEqual([ids('a', 10).map((_, i) => `a${40 + i}`)]);
    expect(plan.unplaced).toHaveLength(450);
  });

  it('places everyone once, within every meeting’s capacity, speakers only in the primary (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 240 }),
        fc.array(fc.integer({ min: 0, max: 240 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 12 }),
        (speakers, audience, primaryLoad, replicaLoads, maxReplicas) => {
          const s = ids('s', speakers);
          const a = ids('a', audience);
          const load = { primary: primaryLoad, replicas: replicaLoads.slice(0, maxReplicas) };
          const plan = allocate(s, a, load, maxReplicas);
          const placed = [...plan.primary, ...plan.replicas.flat(), ...plan.unplaced];
          expect(placed.sort()).toEqual([...s, ...a].sort());
          expect(plan.primary.length + primaryLoad).toBeLessThanOrEqual(
            Math.max(MEETING_CAPACITY, primaryLoad),
          );
          plan.replicas.forEach((r, i) => {
            expect(r.length + (load.replicas[i] ?? 0)).toBeLessThanOrEqual(
              Math.max(MEETING_CAPACITY, load.replicas[i] ?? 0),
            );
          });
          expect(plan.replicas.length).toBeLessThanOrEqual(maxReplicas);
          expect(plan.replicas.flat().some((id) => id.startsWith('s'))).toBe(false);
          if (plan.unplaced.some((id) => id.startsWith('a'))) {
            const free = Math.max(0, MEETING_CAPACITY - primaryLoad - plan.primary.length);
            expect(free).toBe(0);
          }
        },
      ),
    );
  });

  it('says how many replicas an audience needs', () => {
    expect([0, 240, 241, 3000].map((n) => replicasNeeded(n))).toEqual([0, 0, 1, 12]);
  });
});
