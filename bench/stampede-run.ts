/**
 * One stampede run, in its own process (the functions read their configuration once, as Lambda does):
 * N participants of the sample event join Session I over a window, on an open-model arrival schedule,
 * against the local stack with the Chime emulator at AWS's default rates. Prints one JSON line.
 *
 *   provisioned: the room is opened ahead (attendees made in batches), Chime calls paced by the
 *                shared limiter, replicas as the audience needs (assumes the quota was raised).
 *   naive:       no provisioning and no shared limiter — an attendee is created on every join, in one
 *                meeting, as the public samples do.
 */

import { parseArgs } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { replicasNeeded } from '#domain/capacity.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startDynamoProxy } from '../local/dynamodb-proxy.ts';
import { startLocalStack } from '../local/stack.ts';
import { registerDelegates } from './participants.ts';
import { percentile, round } from './stats.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'provisioned' },
    participants: { type: 'string', default: '3000' },
    window: { type: 'string', default: '60' },
    instances: { type: 'string', default: '1' },
    record: { type: 'string', default: 'off' },
  },
});
/** The verifiable record's chainer on: the table's stream read into the record's chains, as in AWS. */
const chainRecord = values.record === 'on';
const mode = values.mode === 'naive' ? 'naive' : 'provisioned';
const participants = Number(values.participants);
const windowSeconds = Number(values.window);
/** Warm instances per function, each with its own caches (the email index, the programme), as in Lambda. */
const instances = Math.max(1, Number(values.instances));
const maxReplicas = mode === 'naive' ? 0 : Math.min(40, replicasNeeded(participants));

process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
const dynamo = await startDynamoDbLocal();
const proxy = await startDynamoProxy(dynamo.endpoint);
const stack = await startLocalStack({
  dynamoEndpoint: proxy.endpoint,
  tableName: `stampede-${mode}`,
  // Doors open (30 min before Session I): provisioning runs then, as the schedule does in AWS.
  clock: '2021-06-28T10:30:00-04:00',
  provisioning: mode === 'provisioned',
  chimeRatePerSecond: mode === 'provisioned' ? 9 : 0,
  maxReplicas,
  instances,
  chainRecord,
});
try {
  const rows = await registerDelegates(stack, participants, 'stampede');
  const tokens = await Promise.all(rows.map((r) => stack.token(r.email)));
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const chimeAtStart = sum(stack.emulator.stats().calls);

  // Doors open: the room's attendees are made ahead (provisioned mode only).
  let provisionSeconds = 0;
  let provisionDynamoOps = 0;
  if (mode === 'provisioned') {
    proxy.reset();
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/_local/rooms/session-1/provision`, { method: 'POST' });
    if (res.status !== 200) throw new Error(`provision: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    provisionSeconds = (performance.now() - t0) / 1000;
    provisionDynamoOps = proxy.total();
  }

  // The yardstick: a bare GetItem on DynamoDB Local, sampled all through the stampede.
  const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  const getItemMs: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t0 = performance.now();
      await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: 'EVENT', sk: 'PROGRAMME' } }));
      getItemMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  // Open model: arrival instants spread uniformly at random over the window (a fixed seed).
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const arrivals = tokens.map(() => random() * windowSeconds * 1000).sort((a, b) => a - b);
  // The registrations and the provisioning (days and half an hour before) are on record before the
  // doors open: the stampede's chaining is the joins' alone.
  await stack.record.flush();
  const chainerBefore = stack.sdkCallCounts().get('chain-record') ?? 0;
  proxy.reset();
  const latencies: number[] = [];
  let failed = 0;
  let clientThrottles = 0;
  let transportRetries = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      const wait = (arrivals[i] as number) - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      const join = () =>
        fetch(`${stack.url}/sessions/session-1/join`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
      // A connection reset before any answer is the client's transport, not the backend's answer: a
      // client retries it once (the join is idempotent), and it is counted.
      const res = await join().catch(() => {
        transportRetries++;
        return join();
      });
      const body = await res.text();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status !== 200) failed++;
      if (res.status === 429 || res.status === 503 || /THROTTL|MEETING_UNAVAILABLE/.test(body))
        clientThrottles++;
    }),
  );
  const completionSeconds = (performance.now() - started) / 1000;
  // The record trails the joins by the stream and the chainer: how long after the last answer it holds
  // every change, and what chaining cost in DynamoDB requests (the chainer's own, counted apart from the
  // join's; the stream's reads are the Streams API's, not the table's).
  const caughtUpStart = performance.now();
  await stack.record.flush();
  const chainCatchUpSeconds = chainRecord ? (performance.now() - caughtUpStart) / 1000 : 0;
  const streamOps = ['DescribeStream', 'GetShardIterator', 'GetRecords'].reduce(
    (n, op) => n + (proxy.counts()[op] ?? 0),
    0,
  );
  const chainerOps = (stack.sdkCallCounts().get('chain-record') ?? 0) - chainerBefore;
  const heads = chainRecord ? await stack.deps.recordChains.heads() : [];
  sampling = false;
  await sampler;
  doc.destroy();

  const chime = stack.emulator.stats();
  const result = {
    mode,
    participants,
    windowSeconds,
    instances,
    succeeded: participants - failed,
    failed,
    clientThrottles,
    chimeCallsPerJoin: round((sum(chime.calls) - chimeAtStart) / participants, 4),
    dynamoOpsPerJoin: round((proxy.total() - streamOps - chainerOps) / participants, 3),
    record: chainRecord ? 'on' : 'off',
    chainerOpsPerJoin: round(chainerOps / participants, 3),
    chainCatchUpSeconds: round(chainCatchUpSeconds, 2),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    getItemP99Ms: round(percentile(getItemMs, 99)),
    completionSeconds: round(completionSeconds, 2),
  };
  const detail = {
    statuses,
    transportRetries,
    maxReplicas,
    meetings: chime.meetings,
    chimeCalls: chime.calls,
    chimeThrottledAtService: chime.throttled,
    provisionSeconds: round(provisionSeconds, 2),
    provisionDynamoOps,
    ...(chainRecord
      ? {
          recordEntries: heads.reduce((n, h) => n + h.size, 0),
          recordShards: heads.length,
          stream: stack.record.streamStats(),
        }
      : {}),
    joinDynamoOps: proxy.counts(),
    getItemP50Ms: round(percentile(getItemMs, 50)),
  };
  console.log(`RESULT ${JSON.stringify({ result, detail })}`);
} finally {
  await stack.stop();
  await proxy.close();
  await dynamo.stop();
}
process.exit(0);
