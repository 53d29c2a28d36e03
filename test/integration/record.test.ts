import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { keys } from '#adapters/dynamodb/keys.ts';
import { createRecordChains } from '#adapters/dynamodb/record-chains.ts';
import { entryHash, parseCheckpointNote, type RecordEntry, verifyChain } from '#domain/record.ts';
import { bundleTextsFromTar, parseBundle } from '#domain/record-bundle.ts';
import { type RecordReport, verifyRecord } from '#domain/record-verify.ts';
import type { PendingEntry } from '#ports/record.ts';
import { chainChanges } from '#use-cases/chain-record.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * The record end to end on DynamoDB Local: the table's stream chained into shards, checkpoints signed
 * with the dev stack's key, the export an organizer downloads, and `verify` on it — untouched, and after
 * each kind of tampering with the stored record.
 */
const ORG = 'organizer@example.org';
const run = promisify(execFile);
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let doc: ReturnType<typeof createDocumentClient>;

async function exportArchive(): Promise<Uint8Array> {
  await stack.record.flush();
  const res = await api.call('GET', '/record/export', { as: ORG });
  expect(res.status, res.text).toBe(200);
  const download = await fetch(res.body.url);
  expect(download.status).toBe(200);
  return new Uint8Array(await download.arrayBuffer());
}

const verifyArchive = (bytes: Uint8Array): RecordReport =>
  verifyRecord(parseBundle(bundleTextsFromTar(bytes)), stack.record.fingerprint);

/** The stored entry items of a shard, in key order. */
async function storedEntries(shard: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': `RECORD#${shard}`, ':a': '0', ':b': '9'.repeat(13) },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const put = (item: Record<string, unknown>) =>
  doc.send(new PutCommand({ TableName: stack.tableName, Item: item }));

/** Runs `tamper`, exports and verifies, then puts the shard's items back as they were. */
async function tampered(shard: string, tamper: (items: Record<string, unknown>[]) => Promise<void>) {
  const before = await storedEntries(shard);
  const head = (await doc.send(new GetCommand({ TableName: stack.tableName, Key: keys.recordHead(shard) })))
    .Item;
  await tamper(before);
  try {
    return verifyArchive(await exportArchive());
  } finally {
    // The export's own audit record is chained (perhaps onto the tampered shard) before the shard is
    // put back, so that nothing is appended behind the restore's back.
    await stack.record.flush();
    for (const item of await storedEntries(shard)) {
      await doc.send(new DeleteCommand({ TableName: stack.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    for (const item of before) await put(item);
    if (head) await put(head);
  }
}

const entryOf = (item: Record<string, unknown>) => JSON.parse(String(item.entry)) as RecordEntry;

beforeAll(async () => {
  stack = await startTestStack({ chainRecord: true, provisioning: false });
  api = apiClient(stack);
  doc = createDocumentClient({
    endpoint: stack.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // Interval 0: joins allowed and refused (audit records, spread over the audit shards; the registry
  // and the programme from the seed).
  const joins = [
    'hod.fra@example.org',
    'delegate.vat@example.org',
    'speaker.cso@example.org',
    'hod.bra@example.org',
  ];
  for (let round = 0; round < 3; round++) {
    for (const who of joins) await api.call('POST', '/sessions/session-1/join', { as: who });
  }
  expect((await stack.record.checkpoint()).outcome).toBe('signed');
  // Interval 1: as many again, then checkpoint 1.
  for (let round = 0; round < 3; round++) {
    for (const who of joins) await api.call('POST', '/sessions/session-1/join', { as: who });
  }
  expect((await stack.record.checkpoint()).outcome).toBe('signed');
  // After the last checkpoint: one more, which no signature covers yet.
  await api.call('POST', '/sessions/session-1/join', { as: 'delegate.fra@example.org' });
}, 120_000);
afterAll(async () => {
  doc?.destroy();
  await stack?.stop();
});

/** The audit shard holding entries in both intervals (the joins above spread over the audit shards). */
async function auditShardSpanningCheckpoints() {
  const archive = verifyArchive(await exportArchive());
  expect(archive.ok).toBe(true);
  const checkpoints = parseBundle(bundleTextsFromTar(await exportArchive())).checkpoints.map((c) =>
    parseCheckpointNote(c.checkpoint.note),
  );
  const [first, second] = checkpoints;
  for (const s of second?.shards ?? []) {
    const size0 = first?.shards.find((x) => x.shard === s.shard)?.size ?? 0;
    if (s.shard.startsWith('audit.') && size0 >= 2 && s.size - size0 >= 2)
      return { shard: s.shard, size0, size1: s.size };
  }
  throw new Error('no audit shard has two entries on each side of checkpoint 0');
}

describe('appends on DynamoDB Local', () => {
  it('concurrent chainers, and redeliveries among them, never fork a chain nor append a change twice', async () => {
    const chains = createRecordChains({ doc, tableName: stack.tableName }, stack.clock);
    const shard = 'race.concurrent';
    const batch = (writer: number, n: number): PendingEntry[] =>
      Array.from({ length: n }, (_, i) => ({
        source: `race-${writer}-${i}`,
        shard,
        kind: 'audit',
        at: '2021-06-28T14:00:00.000Z',
        body: { writer, i },
      }));
    // Eight chainers (each its own instance, with its own cache of heads), then the same batches again
    // from four others, as the stream redelivers a batch whose answer was lost.
    const outcomes = await Promise.all([
      ...Array.from({ length: 8 }, (_, w) =>
        chainChanges({ chains, clock: stack.clock, heads: new Map() }, batch(w, 15)),
      ),
      ...Array.from({ length: 4 }, (_, w) =>
        chainChanges({ chains, clock: stack.clock, heads: new Map() }, batch(w, 15)),
      ),
    ]);
    expect(outcomes.flatMap((o) => o.failures)).toEqual([]);
    expect(outcomes.reduce((n, o) => n + o.appended, 0)).toBe(8 * 15);
    const chain = await chains.entries(shard);
    expect(chain).toHaveLength(8 * 15);
    expect(verifyChain(chain)).toBeNull();
    const seen = chain.map((e) => JSON.stringify(e.body));
    expect(new Set(seen).size).toBe(8 * 15);
    // Each writer's entries kept their order.
    for (let w = 0; w < 8; w++) {
      const mine = chain
        .filter((e) => (e.body as { writer: number }).writer === w)
        .map((e) => (e.body as { i: number }).i);
      expect(mine).toEqual([...Array(15).keys()]);
    }
    const races = outcomes.reduce((n, o) => n + o.races, 0);
    console.log(
      `record: 12 concurrent chainers on one shard: ${chain.length} entries, ${races} lost races, 0 forks`,
    );
  }, 120_000);
});

describe('the record on DynamoDB Local', () => {
  it('chains every change on record into shards, and an untouched export verifies', async () => {
    const bytes = await exportArchive();
    const report = verifyArchive(bytes);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checkpoints).toBe(2);
    // The last join (and its audit record) came after checkpoint 1.
    expect(report.unproven.count).toBeGreaterThan(0);
    const { entries } = parseBundle(bundleTextsFromTar(bytes));
    const shards = new Set(entries.map((e) => e.entry.shard));
    expect([...shards].some((s) => s.startsWith('audit.'))).toBe(true);
    expect(shards.has('registry')).toBe(true);
    expect(shards.has('programme')).toBe(true);
    // The Holy See's refusal of Session I is on record, with its reason.
    const refusal = entries.find(
      (e) =>
        e.entry.kind === 'audit' &&
        JSON.stringify(e.entry.body).includes('SESSION_RESTRICTED') &&
        JSON.stringify(e.entry.body).includes('VAT'),
    );
    expect(refusal).toBeDefined();
    // Nothing derived or secret: no attendee, no join token.
    expect(entries.some((e) => JSON.stringify(e.entry.body).includes('JoinToken'))).toBe(false);
  });

  it('the command verifies the downloaded archive with the fingerprint, and refuses another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-export-'));
    const file = join(dir, 'record.tar');
    writeFileSync(file, await exportArchive());
    const ok = await run('npx', ['tsx', 'local/verify.ts', file, stack.record.fingerprint]);
    expect(ok.stdout).toContain('floorpass verify: OK');
    expect(ok.stdout).toMatch(/entries after the last checkpoint cannot be proven yet \(from /);
    const wrong = await run('npx', ['tsx', 'local/verify.ts', file, 'ab'.repeat(32)]).catch((e) => e);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('FAILED');
  }, 60_000);

  it('an audit record edited in the table outside floorpass is on the record, and verify names it', async () => {
    const out = await doc.send(
      new QueryCommand({
        TableName: stack.tableName,
        IndexName: 'byType',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDIT' },
        Limit: 1,
      }),
    );
    const audit = out.Items?.[0] as Record<string, unknown>;
    await put({ ...audit, outcome: 'allowed', code: 'EDITED' });
    await stack.record.flush();
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-export-'));
    const file = join(dir, 'record.tar');
    writeFileSync(file, await exportArchive());
    const { stdout } = await run('npx', ['tsx', 'local/verify.ts', file, stack.record.fingerprint]);
    expect(stdout).toContain('floorpass verify: OK');
    expect(stdout).toContain('NOTE: 1 change(s) to insert-only records');
    expect(stdout).toContain(`modify of ${audit.pk} / ${audit.sk}`);
  }, 60_000);

  it('is for organizers only', async () => {
    const res = await api.call('GET', '/record/export', { as: 'hod.fra@example.org' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  describe('tampering with the stored record is caught, and placed between the checkpoints', () => {
    it('a field changed', async () => {
      const { shard, size0 } = await auditShardSpanningCheckpoints();
      const report = await tampered(shard, async (items) => {
        const item = items[size0] as Record<string, unknown>;
        const entry = entryOf(item);
        await put({ ...item, entry: JSON.stringify({ ...entry, at: '2021-06-28T00:00:00.000Z' }) });
      });
      expect(report.ok).toBe(false);
      const failure = report.failures.find((f) => f.entry?.shard === shard);
      expect(failure?.problem).toBe('changed');
      expect(failure?.interval).toEqual({
        after: expect.objectContaining({ index: 0 }),
        upTo: expect.objectContaining({ index: 1 }),
      });
    });

    it('an entry deleted', async () => {
      const { shard, size0 } = await auditShardSpanningCheckpoints();
      const report = await tampered(shard, async (items) => {
        const item = items[size0] as Record<string, unknown>;
        await doc.send(new DeleteCommand({ TableName: stack.tableName, Key: { pk: item.pk, sk: item.sk } }));
      });
      const failure = report.failures.find((f) => f.entry?.shard === shard);
      expect(failure?.problem).toBe('removed');
      expect(failure?.interval?.upTo?.index).toBe(1);
    });

    it('an entry inserted, even one hashed and linked as a careful forger would', async () => {
      const { shard, size0 } = await auditShardSpanningCheckpoints();
      const report = await tampered(shard, async (items) => {
        const item = items[size0] as Record<string, unknown>;
        const original = entryOf(item);
        const forged = { ...original, body: { forged: true } };
        await put({
          ...item,
          sk: `${item.sk}x`,
          entry: JSON.stringify({ ...forged, hash: entryHash(forged) }),
        });
      });
      const failure = report.failures.find((f) => f.entry?.shard === shard);
      expect(failure?.problem).toBe('inserted');
      expect(failure?.interval?.upTo?.index).toBe(1);
    });

    it('two entries reordered', async () => {
      const { shard, size0 } = await auditShardSpanningCheckpoints();
      const report = await tampered(shard, async (items) => {
        const a = items[size0] as Record<string, unknown>;
        const b = items[size0 + 1] as Record<string, unknown>;
        await put({ ...a, entry: b.entry });
        await put({ ...b, entry: a.entry });
      });
      const failure = report.failures.find((f) => f.entry?.shard === shard);
      expect(failure?.problem).toBe('reordered');
      expect(failure?.interval?.upTo?.index).toBe(1);
    });

    it('the tail a checkpoint covers cut off, with the head moved back to match', async () => {
      const { shard, size0, size1 } = await auditShardSpanningCheckpoints();
      const report = await tampered(shard, async (items) => {
        for (const item of items.slice(size0 + 1)) {
          await doc.send(
            new DeleteCommand({ TableName: stack.tableName, Key: { pk: item.pk, sk: item.sk } }),
          );
        }
        const last = items[size0] as Record<string, unknown>;
        const entry = entryOf(last);
        await put({
          ...keys.recordHead(shard),
          ...keys.recordHeads(),
          gsi2sk: shard,
          type: 'record-head',
          shard,
          size: entry.seq + 1,
          hash: entry.hash,
          entry: last.entry,
        });
      });
      expect(size1).toBeGreaterThan(size0 + 1);
      const failure = report.failures.find((f) => f.entry?.shard === shard);
      // Shorter than checkpoint 1 says (`removed`); or, when the chainer has since appended a new change
      // (the export's own audit record) on the cut head, whole but not ending where checkpoint 1 says
      // (`rewritten`). Either way, placed before checkpoint 1.
      expect(['removed', 'rewritten']).toContain(failure?.problem);
      expect(failure?.interval?.upTo?.index).toBe(1);
    });

    it('after each tampering was undone, the record verifies again', async () => {
      expect(verifyArchive(await exportArchive()).ok).toBe(true);
    });
  });
});
