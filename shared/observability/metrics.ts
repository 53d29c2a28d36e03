import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import { logger } from './logger.ts';
import {
  CHIME_THROTTLES,
  EVENT_DIMENSION,
  FLOOR_CUT_FAILED,
  FLOOR_EVENTS_LOST,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  TIMER_LATENESS,
} from './metric-names.ts';

/**
 * Powertools logs a warning on every flush that has nothing to publish, which is most invocations here.
 * Its other warnings (a bad dimension, an overwritten one) are real and go to the one logger.
 */
const metricsLogger: NonNullable<MetricsOptions['logger']> = {
  debug: (...content) => logger.debug(String(content[0]), ...content.slice(1)),
  info: (...content) => logger.info(String(content[0]), ...content.slice(1)),
  warn: (...content) => {
    if (String(content[0]).startsWith('No application metrics to publish')) return;
    logger.warn(String(content[0]), ...content.slice(1));
  },
  error: (...content) => logger.error(String(content[0]), ...content.slice(1)),
};

/**
 * The one Metrics instance. It prints CloudWatch embedded-metric-format lines to stdout, which carry
 * metric names, dimensions and counts only. The `logMetrics` middleware of each middy chain publishes
 * what it holds at the end of every invocation. POWERTOOLS_METRICS_DISABLED=true turns output off.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  logger: metricsLogger,
});

/** Adds the event id to every metric from here on; the composition root calls it once, at cold start. */
export function setMetricsEvent(eventId: string): void {
  metrics.setDefaultDimensions({ [EVENT_DIMENSION]: eventId });
}

/**
 * Counts one throttled Chime call. Published at once, as a metric of its own: an invocation may be
 * throttled on several operations and one published record holds one value per dimension, and a
 * provisioning run that the throttling drives into its timeout still leaves its count behind.
 */
export function countChimeThrottle(operation: string): void {
  const single = metrics.singleMetric();
  single.addDimension(CHIME_THROTTLES.operationDimension, operation);
  single.addMetric(CHIME_THROTTLES.name, MetricUnit.Count, 1);
}

/** How late a timer fired, in milliseconds (published at once: an alarm watches its maximum). */
export function recordTimerLateness(ms: number): void {
  const single = metrics.singleMetric();
  single.addMetric(TIMER_LATENESS.name, MetricUnit.Milliseconds, Math.max(0, ms));
}

/** Counts a floor event operators must see (a cut Chime refused). */
export function countFloor(metric: 'FloorCutFailed' | 'FloorCutRetried', value = 1): void {
  const single = metrics.singleMetric();
  single.addMetric(metric === 'FloorCutFailed' ? FLOOR_CUT_FAILED.name : metric, MetricUnit.Count, value);
}

/** Counts one floor event that did not reach the channel; published at once, like a Chime throttle. */
export function countFloorEventLost(): void {
  metrics.singleMetric().addMetric(FLOOR_EVENTS_LOST.name, MetricUnit.Count, 1);
}
