import { createHash } from 'node:crypto';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { type ProxiedOperation, startDynamoProxy } from '../../local/dynamodb-proxy.ts';

/** A write that DynamoDB accepted, as it went over the wire. */
export interface Write {
  operation: string;
  /** pk/sk of the item written (PutItem, UpdateItem, DeleteItem); undefined for batches and transactions. */
  key?: string;
  /** Set for an audit record: its outcome and code. */
  audit?: { outcome: string; code?: string; action?: string };
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

type Attr = { S?: string; N?: string };
function toWrite(op: ProxiedOperation): Write {
  let request: { Item?: Record<string, Attr>; Key?: Record<string, Attr> } = {};
  try {
    request = JSON.parse(op.request);
  } catch {
    // not JSON: reported as the bare operation
  }
  const item = request.Item ?? request.Key;
  const key = item ? `${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'}` : undefined;
  const audit =
    op.operation === 'PutItem' && request.Item?.type?.S === 'audit'
      ? {
          outcome: request.Item.outcome?.S ?? '?',
          ...(request.Item.code?.S ? { code: request.Item.code.S } : {}),
          ...(request.Item.action?.S ? { action: request.Item.action.S } : {}),
        }
      : undefined;
  return { operation: op.operation, ...(key ? { key } : {}), ...(audit ? { audit } : {}) };
}

/**
 * Sees every write a local stack makes to its table, from the wire: a proxy in front of DynamoDB Local
 * (the stack's only way to its table) reports each operation DynamoDB answered with 200. A request wrote
 * nothing when no accepted write went through while it ran, once the stack was quiet before it (no
 * provisioning run, no meeting event in flight) and after it (so that what it started is counted too).
 * A write refused by its condition (a 400) changed nothing, and is not counted.
 *
 * `snapshot` is the slow ground truth: the count and a hash of every item of the table.
 */
export async function startTableWatch(dynamoEndpoint: string) {
  const accepted: Write[] = [];
  const proxy = await startDynamoProxy(dynamoEndpoint, {
    onOperation: (op) => {
      if (op.status === 200 && WRITES.has(op.operation)) accepted.push(toWrite(op));
    },
  });
  const client = new DynamoDBClient({
    endpoint: dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    /** Give this to the stack as its DynamoDB endpoint. */
    endpoint: proxy.endpoint,
    /** Runs `act` between two quiet points; the writes DynamoDB accepted from the first to the second. */
    async writesDuring<T>(
      quiet: () => Promise<void>,
      act: () => Promise<T>,
    ): Promise<{ result: T; writes: Write[] }> {
      await quiet();
      const from = accepted.length;
      const result = await act();
      await quiet();
      return { result, writes: accepted.slice(from) };
    },
    /** The number of items of the table and a hash of all of them (a full Scan). */
    async snapshot(tableName: string): Promise<{ count: number; hash: string }> {
      const items: string[] = [];
      for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
        for (const item of page.Items ?? []) items.push(canonical(item));
      }
      items.sort();
      const hash = createHash('sha256');
      for (const item of items) hash.update(item).update('\n');
      return { count: items.length, hash: hash.digest('hex') };
    },
    async close() {
      client.destroy();
      await proxy.close();
    },
  };
}

export type TableWatch = Awaited<ReturnType<typeof startTableWatch>>;

/** JSON with object keys sorted, so that one item always gives one string. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * The writes a refused request may not have made: all of them, except the audit record of the refusal
 * itself (DESIGN.md: every access decision, allow and deny, is audited), which carries the answer's code.
 */
export function forbiddenWrites(writes: Write[], code: string): Write[] {
  return writes.filter(
    (w) =>
      !(w.audit && (w.audit.outcome === 'denied' || w.audit.outcome === 'failed') && w.audit.code === code),
  );
}
