/**
 * The Powertools metrics the functions publish: the ChimeThrottles count the ChimeThrottling alarm reads
 * (infra/constructs/operations.ts builds its metrics from the same names), and silence when there is
 * nothing to publish, which is most invocations.
 */
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { logger } from '#observability/logger.ts';
import { CHIME_THROTTLES, METRICS_NAMESPACE } from '#observability/metric-names.ts';
import { countChimeThrottle, metrics, setMetricsEvent } from '#observability/metrics.ts';

describe('Observability: metrics', () => {
  let written: string[];

  beforeEach(() => {
    written = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
    setMetricsEvent('hlc-2021');
  });

  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });

  const records = () =>
    written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('publishes each throttled Chime call at once, with the service, event and Operation dimensions', () => {
    // Act
    countChimeThrottle('CreateAttendee');
    countChimeThrottle('BatchCreateAttendee');
    // Assess
    const [first, second] = records();
    expect(records()).toHaveLength(2);
    expect(first).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service', 'event', CHIME_THROTTLES.operationDimension]],
            Metrics: [{ Name: CHIME_THROTTLES.name, Unit: 'Count' }],
          },
        ],
      },
      service: 'floorpass',
      event: 'hlc-2021',
      Operation: 'CreateAttendee',
      ChimeThrottles: 1,
    });
    // One record per call: each carries its own operation.
    expect(second).toMatchObject({ Operation: 'BatchCreateAttendee', ChimeThrottles: 1 });
  });

  it('writes nothing, not even a warning, for an invocation that counted nothing', async () => {
    // Prepare: the most talkative level, so that a warning would be written.
    const level = logger.getLevelName();
    logger.setLogLevel('DEBUG');
    onTestFinished(() => logger.setLogLevel(level));
    const handler = middy<unknown, string, Error, Context>()
      .use(logMetrics(metrics))
      .handler(async () => 'ok');
    // Act
    await handler({}, { functionName: 'join-session' } as Context);
    // Assess
    expect(written.join('')).toBe('');
  });

  it('writes nothing with POWERTOOLS_METRICS_DISABLED=true', () => {
    // Prepare
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    // Act
    countChimeThrottle('CreateMeeting');
    // Assess
    expect(written.join('')).toBe('');
  });
});
