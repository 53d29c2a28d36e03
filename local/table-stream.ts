/**
 * What Lambda's event source mapping does with the table's DynamoDB Stream, on one machine: it reads
 * every shard of DynamoDB Local's stream in order (a child shard after its parent), hands the records to
 * the handler in batches in Lambda's event shape, and on a partial batch failure delivers the failed
 * record and everything after it in that shard again. A test double, local only.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface LocalTableStream {
  /** Resolves once every change made before the call has been handed to the handler and succeeded. */
  flush(): Promise<void>;
  stats(): { delivered: number; batches: number; failures: number };
  stop(): Promise<void>;
}

interface ShardState {
  id: string;
  parent?: string;
  iterator?: string;
  /** The last record the handler took (the retry starts after it). */
  lastSequence?: string;
  done: boolean;
}

/** A record as Lambda delivers it (epoch seconds, base64 binaries), from the Streams API's shape. */
function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const image = (i: Record<string, AttributeValue> | undefined) =>
    i
      ? (JSON.parse(
          JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
        ) as never)
      : undefined;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(d.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: image(d.Keys as Record<string, AttributeValue>),
      NewImage: image(d.NewImage as Record<string, AttributeValue> | undefined),
      OldImage: image(d.OldImage as Record<string, AttributeValue> | undefined),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
    },
  };
}

export function startLocalTableStream(options: {
  endpoint: string;
  streamArn: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  /** Records per batch (the event source mapping's BatchSize). */
  batchSize?: number;
  pollMs?: number;
}): LocalTableStream {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 50;
  const shards = new Map<string, ShardState>();
  const stats = { delivered: 0, batches: 0, failures: 0 };
  let stopped = false;
  let round = 0;
  let lastDescribe = 0;
  let waiters: { afterRound: number; resolve: () => void }[] = [];

  async function describe() {
    const out = await client.send(new DescribeStreamCommand({ StreamArn: options.streamArn }));
    for (const s of out.StreamDescription?.Shards ?? []) {
      if (!s.ShardId || shards.has(s.ShardId)) continue;
      shards.set(s.ShardId, {
        id: s.ShardId,
        ...(s.ParentShardId ? { parent: s.ParentShardId } : {}),
        done: false,
      });
    }
    lastDescribe = Date.now();
  }

  async function iterator(shard: ShardState): Promise<string | undefined> {
    const out = await client.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shard.id,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  /** Reads one batch of a shard; true when it read any record. */
  async function pollShard(shard: ShardState): Promise<boolean> {
    shard.iterator ??= await iterator(shard);
    if (!shard.iterator) {
      shard.done = true;
      return false;
    }
    const out = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize }));
    const records = out.Records ?? [];
    if (records.length === 0) {
      if (out.NextShardIterator) shard.iterator = out.NextShardIterator;
      else shard.done = true;
      return false;
    }
    stats.batches++;
    let failedAt: string | undefined;
    try {
      const response = await options.handler({
        Records: records.map((r) => toLambdaRecord(r, options.streamArn)),
      });
      failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
    } catch {
      failedAt = records[0]?.dynamodb?.SequenceNumber;
    }
    if (failedAt === undefined) {
      stats.delivered += records.length;
      shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber;
      if (out.NextShardIterator) shard.iterator = out.NextShardIterator;
      else shard.done = true;
      return true;
    }
    // As Lambda does: the failed record and every later one of the shard come again (after a pause).
    stats.failures++;
    const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt);
    stats.delivered += Math.max(0, index);
    if (index > 0) shard.lastSequence = records[index - 1]?.dynamodb?.SequenceNumber;
    delete shard.iterator;
    await new Promise((r) => setTimeout(r, 100));
    return true;
  }

  async function loop() {
    while (!stopped) {
      const started = ++round;
      let busy = false;
      try {
        if (Date.now() - lastDescribe > 1_000 || shards.size === 0) await describe();
        for (const shard of shards.values()) {
          if (shard.done) continue;
          const parent = shard.parent ? shards.get(shard.parent) : undefined;
          if (parent && !parent.done) continue;
          // A shard is read until it has nothing more: a round ends caught up.
          while (!stopped && (await pollShard(shard))) busy = true;
        }
      } catch (error) {
        if (!stopped)
          console.error(`floorpass: reading the table's stream failed: ${(error as Error).message}`);
        busy = true;
      }
      if (!busy) {
        const ready = waiters.filter((w) => started > w.afterRound);
        waiters = waiters.filter((w) => started <= w.afterRound);
        for (const w of ready) w.resolve();
      }
      if (!stopped) await new Promise((r) => setTimeout(r, busy ? 0 : pollMs));
    }
  }
  const running = loop();

  return {
    flush: () =>
      new Promise<void>((resolve) => {
        waiters.push({ afterRound: round, resolve });
      }),
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      await running;
      for (const w of waiters) w.resolve();
      client.destroy();
    },
  };
}
