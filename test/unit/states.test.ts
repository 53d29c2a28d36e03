import { describe, expect, it } from 'vitest';
import { seedStates } from '#domain/states.ts';

describe('Function: seedStates', () => {
  const states = seedStates();

  it('seeds the 193 Member States and the 2 non-member Observer States', () => {
    expect(states.filter((s) => s.category === 'MemberState')).toHaveLength(193);
    expect(states.filter((s) => s.category === 'ObserverState').map((s) => s.code)).toEqual(['PSE', 'VAT']);
    expect(new Set(states.map((s) => s.code)).size).toBe(195);
    expect(states.every((s) => /^[A-Z]{3}$/.test(s.code))).toBe(true);
  });

  it('corrects the dataset: the Holy See is an Observer State, not a Member State', () => {
    expect(states.find((s) => s.code === 'VAT')).toEqual({
      code: 'VAT',
      name: 'Holy See',
      category: 'ObserverState',
      regionalGroup: null,
    });
    expect(states.find((s) => s.code === 'PSE')?.name).toBe('State of Palestine');
  });

  it('uses the UN’s names and keeps the UN regional groups', () => {
    const byCode = new Map(states.map((s) => [s.code, s]));
    expect(byCode.get('CIV')?.name).toBe('Côte d’Ivoire');
    expect(byCode.get('RUS')?.name).toBe('Russian Federation');
    expect(byCode.get('BRA')?.regionalGroup).toBe('Latin American and Caribbean Group');
    expect(states.filter((s) => s.category === 'MemberState').every((s) => s.regionalGroup)).toBe(true);
    expect(byCode.has('TWN')).toBe(false);
    expect(byCode.has('XKX')).toBe(false);
  });
});
