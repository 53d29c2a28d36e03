/**
 * What the stack's EventBridge rule, SQS queue and DLQ do, on one machine: events matching the rule
 * (source aws.chime, detail-type "Chime Meeting State Change") become queue messages; the recorder is
 * invoked with batches as SQS would (partial batch responses); a failed message becomes visible again
 * and, after `maxReceiveCount` receives, moves to the dead-letter list. A test double, local only.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  deadAt: string;
}

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
}

export interface LocalEventPipeline {
  /** Routes an event as EventBridge would: true when the rule matched and it was queued. */
  publish(event: unknown): boolean;
  /** Resolves when nothing is queued or in flight (dead letters excluded). */
  flush(): Promise<void>;
  deadLetters(): DeadLetter[];
  stats(): { queued: number; delivered: number; failed: number; dead: number };
  stop(): void;
}

export const ruleMatches = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>).source === 'aws.chime' &&
  (event as Record<string, unknown>)['detail-type'] === 'Chime Meeting State Change';

export function createLocalEventPipeline(options: {
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  batchSize?: number;
  maxReceiveCount?: number;
  visibilityTimeoutMs?: number;
}): LocalEventPipeline {
  const batchSize = options.batchSize ?? 10;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 50;
  const queue: Message[] = [];
  const dead: DeadLetter[] = [];
  let inFlight = 0;
  let delivered = 0;
  let failed = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];

  const settleIfIdle = () => {
    if (queue.length === 0 && inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const schedule = (delay = 0) => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void drain();
    }, delay);
  };

  async function drain() {
    const now = Date.now();
    const batch = queue.filter((m) => m.visibleAt <= now).slice(0, batchSize);
    if (batch.length === 0) {
      if (queue.length) schedule(Math.max(1, Math.min(...queue.map((m) => m.visibleAt)) - now));
      settleIfIdle();
      return;
    }
    for (const m of batch) queue.splice(queue.indexOf(m), 1);
    inFlight += batch.length;
    for (const m of batch) m.receiveCount++;
    let failedIds: Set<string>;
    try {
      const response = await options.handler({ Records: batch.map(toRecord) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failedIds = new Set(batch.map((m) => m.messageId));
    }
    inFlight -= batch.length;
    for (const m of batch) {
      if (!failedIds.has(m.messageId)) {
        delivered++;
        continue;
      }
      failed++;
      if (m.receiveCount >= maxReceiveCount) {
        dead.push({
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          deadAt: new Date().toISOString(),
        });
      } else {
        m.visibleAt = Date.now() + visibilityTimeoutMs;
        queue.push(m);
      }
    }
    schedule(queue.length ? 0 : 0);
    settleIfIdle();
  }

  return {
    publish(event) {
      if (!ruleMatches(event)) return false;
      queue.push({
        messageId: randomUUID(),
        body: JSON.stringify(event),
        receiveCount: 0,
        visibleAt: Date.now(),
      });
      schedule();
      return true;
    },
    flush() {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        schedule();
      });
    },
    deadLetters: () => [...dead],
    stats: () => ({ queued: queue.length, delivered, failed, dead: dead.length }),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
  };
}

function toRecord(m: Message): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: `local-${m.messageId}-${m.receiveCount}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:floorpass-local-meeting-events',
    awsRegion: 'us-east-1',
  };
}
