/**
 * The attendance report of a room with N participants and ten events each, beside a bare paginated
 * Query of the same ledger items, in the same run on the same DynamoDB Local.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import type { LedgerEventType } from '#domain/attendance.ts';
import { startLocalStack } from '../local/stack.ts';
import { registerDelegates } from './participants.ts';
import { percentile, round, table } from './stats.ts';

export async function attendanceBench({ participants, runs }: { participants: number; runs: number }) {
  const stack = await startLocalStack({ tableName: 'bench-attendance' });
  try {
    const imported = { participants: await registerDelegates(stack, participants, 'report') };
    const organizer = await stack.token('organizer@example.org');
    const { deps } = stack;

    // Ten events each: join, drop, rejoin, leave, twice over, then join and leave.
    const start = Date.parse('2021-06-28T15:00:00Z');
    const pattern: [LedgerEventType, number][] = [
      ['Joined', 0],
      ['Dropped', 5],
      ['Joined', 6],
      ['Left', 20],
      ['Joined', 30],
      ['Dropped', 40],
      ['Joined', 41],
      ['Left', 60],
      ['Joined', 70],
      ['Left', 110],
    ];
    const events = imported.participants.flatMap(({ id }, i) =>
      pattern.map(([type, minute]) => ({
        type,
        at: start + minute * 60_000 + i,
        roomId: 'session-1',
        meetingId: 'bench-meeting',
        attendeeId: `a-${i}`,
        participantId: id,
        source: 'chime' as const,
      })),
    );
    const loadStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < events.length) {
          const e = events[next++];
          if (e) await deps.ledger.append(e);
        }
      }),
    );
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const doc = createDocumentClient({ endpoint: stack.dynamoEndpoint, region: 'us-east-1' });
    const bareQuery = async () => {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName: stack.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'LEDGER#session-1' },
            ExclusiveStartKey: startKey,
          }),
        );
        count += out.Count ?? 0;
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return count;
    };
    const report = async (format: 'json' | 'csv') => {
      const res = await fetch(`${stack.url}/sessions/session-1/attendance?format=${format}`, {
        headers: { authorization: `Bearer ${organizer}` },
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`report failed: ${res.status} ${body.slice(0, 200)}`);
      return body.length;
    };
    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    const items = await bareQuery();
    const query = await time(bareQuery);
    const json = await time(() => report('json'));
    const csv = await time(() => report('csv'));
    doc.destroy();
    return { participants, items, loadSeconds, query, json, csv };
  } finally {
    await stack.stop();
  }
}

export function printAttendance(r: Awaited<ReturnType<typeof attendanceBench>>) {
  console.log(
    `\nAttendance report, ${r.participants} participants × 10 events = ${r.items} ledger items on DynamoDB Local (loaded in ${round(r.loadSeconds)} s), ${r.query.length} runs each:\n`,
  );
  const row = (name: string, s: number[]) => [
    name,
    round(Math.min(...s)),
    round(percentile(s, 50)),
    round(Math.max(...s)),
  ];
  console.log(
    table(
      ['what', 'min ms', 'median ms', 'max ms'],
      [
        row('bare paginated Query of the ledger', r.query),
        row('GET /sessions/session-1/attendance (JSON)', r.json),
        row('GET /sessions/session-1/attendance?format=csv', r.csv),
      ],
    ),
  );
  const ratio = percentile(r.json, 50) / percentile(r.query, 50);
  console.log(`  the JSON report takes ${round(ratio, 2)} × the bare query (medians)`);
}
