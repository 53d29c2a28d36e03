import { useEffect, useRef, useState } from 'preact/hooks';
import { ok, type Schemas } from '../api/client.ts';
import { clockTicks } from '../clock-ticks.ts';
import { ErrorNotice, Loading, useLoad } from '../components.tsx';
import { formatTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Timeline = Schemas['PresenceTimeline'];
type Point = Timeline['points'][number];

/** Where the plot sits inside the drawing, in px: room for the axes' labels. */
const margin = { top: 12, right: 12, bottom: 52, left: 44 };
const HEIGHT = 240;

/**
 * A room's presence over time (GET /sessions/{sessionId}/presence/timeline), drawn as inline SVG: online
 * a solid line with round markers, in person a dashed line with square markers, so that the two are told
 * apart without colour; the legend shows the same. The time axis is in the event's time zone, and says
 * so. The same figures are in a table under the chart (in a disclosure), for screen readers and anyone
 * who prefers numbers. The drawing follows its box's width, so it reads at a phone's 390 px too.
 */
export function PresenceChart({ sessionId, timeZone }: { sessionId: string; timeZone: string }) {
  const timeline = useLoad(
    () => ok(api.GET('/sessions/{sessionId}/presence/timeline', { params: { path: { sessionId } } })),
    [sessionId],
  );
  if (timeline.error) return <ErrorNotice error={timeline.error} />;
  if (!timeline.data) return <Loading />;
  return <Figure timeline={timeline.data} timeZone={timeZone} reload={timeline.reload} />;
}

function Figure({
  timeline,
  timeZone,
  reload,
}: {
  timeline: Timeline;
  timeZone: string;
  reload: () => Promise<void>;
}) {
  const { points, totals, stepSeconds } = timeline;
  const peak = points.reduce<Point | null>((best, p) => (!best || p.people > best.people ? p : best), null);
  const caption = t('chart.caption', { room: timeline.title });
  return (
    <figure class="chart" aria-labelledby="chart-caption">
      <figcaption id="chart-caption">
        <strong>{caption}</strong>{' '}
        <span class="small">{t('chart.step', { minutes: Math.round(stepSeconds / 60) })}</span>
      </figcaption>
      <Legend />
      {points.length === 0 ? (
        <p>{t('chart.empty')}</p>
      ) : (
        <Plot points={points} timeZone={timeZone} label={caption} />
      )}
      <p class="chart-summary">
        {peak && peak.people > 0
          ? t('chart.peak', { people: peak.people, time: formatTime(peak.at, timeZone) })
          : t('chart.nobody')}{' '}
        {t('chart.totals', { online: totals.online, inPerson: totals.inPerson, people: totals.people })}
      </p>
      <div class="actions">
        <button type="button" onClick={() => void reload()}>
          {t('chart.refresh')}
        </button>
      </div>
      {points.length > 0 && (
        <details class="chart-data">
          <summary>{t('chart.table')}</summary>
          <DataTable points={points} timeZone={timeZone} caption={caption} />
        </details>
      )}
    </figure>
  );
}

function Legend() {
  return (
    <ul class="chart-legend">
      <li>
        <svg width="40" height="14" aria-hidden="true" focusable="false">
          <line class="series-online" x1="2" y1="7" x2="38" y2="7" />
          <circle class="marker-online" cx="20" cy="7" r="3.5" />
        </svg>{' '}
        {t('chart.online')}
      </li>
      <li>
        <svg width="40" height="14" aria-hidden="true" focusable="false">
          <line class="series-in-person" x1="2" y1="7" x2="38" y2="7" />
          <rect class="marker-in-person" x="16.5" y="3.5" width="7" height="7" />
        </svg>{' '}
        {t('chart.inPerson')}
      </li>
    </ul>
  );
}

/** The drawing's width follows its box (a ResizeObserver), so labels keep their size on a phone. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => setWidth(Math.max(240, Math.floor(box.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** A round number of minutes between time ticks, so that about `count` of them fit. */
function tickMinutes(spanMinutes: number, count: number): number {
  const steps = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
  return steps.find((s) => spanMinutes / s <= count) ?? 1440;
}

function Plot({ points, timeZone, label }: { points: Point[]; timeZone: string; label: string }) {
  const { ref, width } = useWidth(640);
  const first = Date.parse((points[0] as Point).at);
  const stepMs = points.length > 1 ? Date.parse((points[1] as Point).at) - first : 60_000;
  const last = Date.parse((points.at(-1) as Point).at) + stepMs;
  const top = Math.max(1, ...points.map((p) => Math.max(p.online, p.inPerson)));
  const plotW = width - margin.left - margin.right;
  const plotH = HEIGHT - margin.top - margin.bottom;
  const x = (ms: number) => margin.left + ((ms - first) / (last - first)) * plotW;
  const y = (n: number) => margin.top + plotH - (n / top) * plotH;

  // A step line: each point holds its value for its whole step.
  const path = (value: (p: Point) => number) =>
    points
      .map((p, i) => {
        const from = Date.parse(p.at);
        return `${i === 0 ? 'M' : 'L'}${x(from).toFixed(1)},${y(value(p)).toFixed(1)} L${x(from + stepMs).toFixed(1)},${y(value(p)).toFixed(1)}`;
      })
      .join(' ');

  const yTicks = [...new Set([0, Math.round(top / 2), top])];
  const tickEvery = tickMinutes((last - first) / 60_000, Math.max(2, Math.floor(plotW / 80)));
  // A label is about 36 px wide, centred on its tick: none that would be cut at either edge.
  const xTicks = clockTicks(first, last, timeZone, tickEvery).filter(
    ({ at }) => x(at) - 18 >= 0 && x(at) + 18 <= width,
  );
  const zoneName = formatTime(new Date(first).toISOString(), timeZone).split(' ').slice(1).join(' ');
  // Markers where a value changes (and at both ends): the line style is the first cue, the marker shape the second.
  const changes = (value: (p: Point) => number) =>
    points.filter((p, i) => i === 0 || i === points.length - 1 || value(p) !== value(points[i - 1] as Point));

  return (
    <div class="chart-box" ref={ref}>
      <svg
        class="chart-svg"
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={label}
        focusable="false"
      >
        <g class="chart-grid">
          {yTicks.map((n) => (
            <g key={`y${n}`}>
              <line x1={margin.left} x2={width - margin.right} y1={y(n)} y2={y(n)} />
              <text class="chart-tick" x={margin.left - 6} y={y(n) + 4} text-anchor="end">
                {n}
              </text>
            </g>
          ))}
          {xTicks.map(({ at, label }) => (
            <g key={`x${at}`}>
              <line x1={x(at)} x2={x(at)} y1={margin.top + plotH} y2={margin.top + plotH + 5} />
              <text class="chart-tick" x={x(at)} y={margin.top + plotH + 18} text-anchor="middle">
                {label}
              </text>
            </g>
          ))}
        </g>
        <line class="chart-axis" x1={margin.left} x2={margin.left} y1={margin.top} y2={margin.top + plotH} />
        <line
          class="chart-axis"
          x1={margin.left}
          x2={width - margin.right}
          y1={margin.top + plotH}
          y2={margin.top + plotH}
        />
        <text class="chart-axis-label" x={margin.left + plotW / 2} y={HEIGHT - 8} text-anchor="middle">
          {t('chart.timeAxis', { zone: zoneName || timeZone })}
        </text>
        <text
          class="chart-axis-label"
          x={12}
          y={margin.top + plotH / 2}
          text-anchor="middle"
          transform={`rotate(-90 12 ${margin.top + plotH / 2})`}
        >
          {t('chart.peopleAxis')}
        </text>
        <path class="series-online" d={path((p) => p.online)} />
        <path class="series-in-person" d={path((p) => p.inPerson)} />
        {changes((p) => p.online).map((p) => (
          <circle key={`o${p.at}`} class="marker-online" cx={x(Date.parse(p.at))} cy={y(p.online)} r="3.5" />
        ))}
        {changes((p) => p.inPerson).map((p) => (
          <rect
            key={`i${p.at}`}
            class="marker-in-person"
            x={x(Date.parse(p.at)) - 3.5}
            y={y(p.inPerson) - 3.5}
            width="7"
            height="7"
          />
        ))}
      </svg>
    </div>
  );
}

function DataTable({ points, timeZone, caption }: { points: Point[]; timeZone: string; caption: string }) {
  return (
    <table class="chart-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('chart.time')}</th>
          <th scope="col" class="num">
            {t('chart.online')}
          </th>
          <th scope="col" class="num">
            {t('chart.inPerson')}
          </th>
          <th scope="col" class="num">
            {t('chart.people')}
          </th>
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={p.at} data-at={p.at}>
            <th scope="row">{formatTime(p.at, timeZone)}</th>
            <td class="num">{p.online}</td>
            <td class="num">{p.inPerson}</td>
            <td class="num">{p.people}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
