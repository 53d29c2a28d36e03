/**
 * The join route on the local stack: N participants join one room with C requests in flight, first
 * joins (meeting and attendees created) then rejoins (stored attendees). Prints joins per second,
 * latency percentiles, and DynamoDB and Chime calls per join counted on the wire.
 */
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startDynamoProxy } from '../local/dynamodb-proxy.ts';
import { startLocalStack } from '../local/stack.ts';
import { registerDelegates } from './participants.ts';
import { percentile, round, table } from './stats.ts';

export interface JoinBenchOptions {
  participants: number;
  concurrency: number;
}

export async function joinBench({ participants, concurrency }: JoinBenchOptions) {
  const dynamo = await startDynamoDbLocal();
  const proxy = await startDynamoProxy(dynamo.endpoint);
  const stack = await startLocalStack({ dynamoEndpoint: proxy.endpoint, tableName: 'bench-join' });
  try {
    const rows = await registerDelegates(stack, participants, 'join');
    const tokens = await Promise.all(rows.map((r) => stack.token(r.email)));

    const phase = async (name: string) => {
      proxy.reset();
      const chimeBefore = sum(stack.emulator.stats().calls);
      const latencies: number[] = [];
      let failed = 0;
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        while (next < tokens.length) {
          const token = tokens[next++] as string;
          const t0 = performance.now();
          const res = await fetch(`${stack.url}/sessions/session-1/join`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 200) failed++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - started) / 1000;
      return {
        phase: name,
        joins: tokens.length,
        failed,
        joinsPerSecond: round(tokens.length / seconds),
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        p99Ms: round(percentile(latencies, 99)),
        dynamoOpsPerJoin: round(proxy.total() / tokens.length, 2),
        chimeCallsPerJoin: round((sum(stack.emulator.stats().calls) - chimeBefore) / tokens.length, 3),
        dynamoOps: proxy.counts(),
      };
    };
    const first = await phase('first join');
    const again = await phase('rejoin');
    return [first, again];
  } finally {
    await stack.stop();
    await proxy.close();
    await dynamo.stop();
  }
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export function printJoin(results: Awaited<ReturnType<typeof joinBench>>, options: JoinBenchOptions) {
  console.log(
    `\nJoin route, local stack (DynamoDB Local + Chime emulator at AWS default rates 10/s burst 20), ${options.participants} participants, ${options.concurrency} in flight:\n`,
  );
  console.log(
    table(
      [
        'phase',
        'joins',
        'failed',
        'joins/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'dynamo ops/join',
        'chime calls/join',
      ],
      results.map((r) => [
        r.phase,
        r.joins,
        r.failed,
        r.joinsPerSecond,
        r.p50Ms,
        r.p95Ms,
        r.p99Ms,
        r.dynamoOpsPerJoin,
        r.chimeCallsPerJoin,
      ]),
    ),
  );
  for (const r of results) console.log(`  ${r.phase}: DynamoDB operations ${JSON.stringify(r.dynamoOps)}`);
}
