import { describe, expect, it } from 'vitest';
import { clockTicks } from '../../console/src/clock-ticks.ts';

const labels = (ticks: { label: string }[]) => ticks.map((t) => t.label);

describe('Console: the time axes’ ticks, on the event’s clock', () => {
  it('puts hourly ticks on New York’s whole hours', () => {
    // Act: 09:40 to 13:10 New York time (EDT, UTC−4)
    const ticks = clockTicks(
      Date.parse('2021-06-28T13:40:00Z'),
      Date.parse('2021-06-28T17:10:00Z'),
      'America/New_York',
      60,
    );
    // Assess
    expect(labels(ticks)).toEqual(['10:00', '11:00', '12:00', '13:00']);
    expect(ticks[0]?.at).toBe(Date.parse('2021-06-28T14:00:00Z'));
  });

  it('puts them on the local whole hours of a zone whose offset is not a whole hour (UTC+5:30)', () => {
    // Act: 10:00 to 12:00 UTC is 15:30 to 17:30 in Kolkata
    const ticks = clockTicks(
      Date.parse('2021-06-28T10:00:00Z'),
      Date.parse('2021-06-28T12:00:00Z'),
      'Asia/Kolkata',
      60,
    );
    // Assess
    expect(labels(ticks)).toEqual(['16:00', '17:00']);
    expect(ticks[0]?.at).toBe(Date.parse('2021-06-28T10:30:00Z'));
  });

  it('counts two-hour and ten-minute steps on the local clock too', () => {
    // Act: New York in winter (EST, UTC−5): even local hours are odd UTC hours
    const twoHours = clockTicks(
      Date.parse('2021-01-15T13:00:00Z'),
      Date.parse('2021-01-15T20:00:00Z'),
      'America/New_York',
      120,
    );
    const tenMinutes = clockTicks(
      Date.parse('2021-06-28T14:03:00Z'),
      Date.parse('2021-06-28T14:31:00Z'),
      'America/New_York',
      10,
    );
    // Assess
    expect(labels(twoHours)).toEqual(['08:00', '10:00', '12:00', '14:00']);
    expect(labels(tenMinutes)).toEqual(['10:10', '10:20', '10:30']);
  });
});
