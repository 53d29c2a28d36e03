/**
 * An axis's ticks on the event's clock, for the console's time axes (the rooms timeline, the presence
 * chart). No DOM and no language here: the labels are "HH:MM", the same in English and French.
 */

/**
 * The instants from `from` to `to` at whole multiples of `minutes` on the event's clock, with their
 * "HH:MM" label: an axis's ticks. Candidates step by the largest divisor of 15 minutes that also divides
 * `minutes` (time zone offsets are whole quarter hours), and each is kept by its local minute of the day,
 * so a zone whose offset is not a whole hour still gets its ticks on its own round hours.
 */
export function clockTicks(
  from: number,
  to: number,
  timeZone: string,
  minutes: number,
): { at: number; label: string }[] {
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const step = [15, 5, 3, 1].find((d) => minutes % d === 0 && 15 % d === 0) as number;
  const stepMs = step * 60_000;
  const ticks: { at: number; label: string }[] = [];
  for (let at = Math.ceil(from / stepMs) * stepMs; at <= to; at += stepMs) {
    const label = clock.format(new Date(at));
    const [hours, mins] = label.split(':').map(Number) as [number, number];
    if ((hours * 60 + mins) % minutes === 0) ticks.push({ at, label });
  }
  return ticks;
}
