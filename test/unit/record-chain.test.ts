import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMemoryCheckpointLog,
  createMemoryCheckpointStore,
  createMemoryRecordChains,
} from '#adapters/memory/record.ts';
import {
  checkpointSignedBy,
  parseCheckpointNote,
  readPublicKey,
  type SignedCheckpoint,
  verifyChain,
} from '#domain/record.ts';
import { AUDIT_SHARDS, recordedChange, recordedTypes, shardOf } from '#domain/record-source.ts';
import { readTar, writeTar } from '#domain/tar.ts';
import type { CheckpointSigner, PendingEntry } from '#ports/record.ts';
import { chainChanges } from '#use-cases/chain-record.ts';
import { checkpointDue, writeCheckpoint } from '#use-cases/record-checkpoint.ts';
import { createLocalCheckpointSigner } from '../../local/record-files.ts';

const clock = (iso = '2021-06-28T14:00:00.000Z') => {
  let now = new Date(iso);
  return { now: () => now, set: (next: string) => (now = new Date(next)) };
};

const pending = (n: number, shard = 'audit.0', from = 0): PendingEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    source: `ev-${shard}-${from + i}`,
    shard,
    kind: 'audit',
    at: '2021-06-28T14:00:00.000Z',
    body: { n: from + i },
  }));

describe('which changes go on the record', () => {
  it('places each kind of item in its shard, and leaves derived state off', () => {
    expect(shardOf({ type: 'ledger-event', roomId: 'session-1' })).toEqual({
      shard: 'ledger.session-1',
      kind: 'ledger',
    });
    expect(shardOf({ type: 'floorEvent', pk: 'FLOORLOG#session-2' })).toEqual({
      shard: 'floor.session-2',
      kind: 'floor',
    });
    expect(shardOf({ type: 'participant' })).toEqual({ shard: 'registry', kind: 'registry' });
    expect(shardOf({ type: 'seat' })?.shard).toBe('registry');
    expect(shardOf({ type: 'delegation' })?.shard).toBe('registry');
    expect(shardOf({ type: 'programme' })).toEqual({ shard: 'programme', kind: 'programme' });
    expect(shardOf({ type: 'unmatched-event' })?.shard).toBe('ledger.unmatched');
    for (const type of [
      'attendee',
      'room-meeting',
      'floor',
      'email',
      'import-lock',
      'record-entry',
      'record-head',
    ]) {
      expect(shardOf({ type })).toBeNull();
    }
  });

  it('spreads audit records over the audit shards, each record always in the same one', () => {
    const shards = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const shard = shardOf({ type: 'audit', id: `id-${i}` })?.shard as string;
      expect(shard).toBe(shardOf({ type: 'audit', id: `id-${i}` })?.shard);
      shards.add(shard);
    }
    expect(shards.size).toBe(AUDIT_SHARDS);
  });

  it('records the item without its index attributes, and a removal as null', () => {
    const item = {
      pk: 'AUDIT#2021-06-28',
      sk: 'x',
      gsi2pk: 'AUDIT',
      gsi2sk: 'x',
      type: 'audit',
      id: 'a1',
      outcome: 'denied',
    };
    expect(recordedChange({ change: 'insert', item, before: null })?.body).toEqual({
      change: 'insert',
      key: { pk: 'AUDIT#2021-06-28', sk: 'x' },
      item: { type: 'audit', id: 'a1', outcome: 'denied' },
    });
    expect(recordedChange({ change: 'remove', item: null, before: item })?.body).toMatchObject({
      change: 'remove',
      item: null,
    });
    expect(
      recordedChange({ change: 'insert', item: { pk: 'P', sk: 'S', type: 'attendee' }, before: null }),
    ).toBeNull();
  });
});

describe('chaining', () => {
  it('appends in the order given, in chunks no larger than one write takes', async () => {
    const chains = createMemoryRecordChains({ maxAppend: 7 });
    const outcome = await chainChanges({ chains, clock: clock() }, pending(30));
    expect(outcome).toMatchObject({ appended: 30, failures: [] });
    const chain = chains.stored.get('audit.0') ?? [];
    expect(chain.map((e) => (e.body as { n: number }).n)).toEqual([...Array(30).keys()]);
    expect(verifyChain(chain)).toBeNull();
  });

  it('appends a redelivered change once', async () => {
    const chains = createMemoryRecordChains();
    await chainChanges({ chains, clock: clock() }, pending(5));
    const again = await chainChanges({ chains, clock: clock() }, [
      ...pending(5),
      ...pending(2, 'audit.0', 5),
    ]);
    expect(again).toMatchObject({ appended: 2, duplicates: 5 });
    expect(chains.stored.get('audit.0')).toHaveLength(7);
  });

  it('two chainers on one shard never fork it: the loser reads the head again and follows', async () => {
    const chains = createMemoryRecordChains();
    const heads = new Map();
    // A chainer whose cached head is stale (another appended since) loses the race and retries.
    await chainChanges({ chains, clock: clock(), heads }, pending(3, 'audit.0', 0));
    await chainChanges({ chains, clock: clock() }, pending(3, 'audit.0', 100));
    const outcome = await chainChanges({ chains, clock: clock(), heads }, pending(3, 'audit.0', 200));
    expect(outcome.races).toBe(1);
    const chain = chains.stored.get('audit.0') ?? [];
    expect(chain).toHaveLength(9);
    expect(verifyChain(chain)).toBeNull();
  });

  it('gives a shard back to the stream after too many lost races, and the others go on', async () => {
    const chains = createMemoryRecordChains();
    const always = {
      ...chains,
      append: async (
        shard: string,
        ...rest: Parameters<typeof chains.append> extends [string, ...infer R] ? R : never
      ) => (shard === 'audit.1' ? ({ outcome: 'head-moved' } as const) : chains.append(shard, ...rest)),
    };
    const outcome = await chainChanges({ chains: always, clock: clock(), maxAttempts: 3 }, [
      ...pending(2, 'audit.0'),
      ...pending(2, 'audit.1'),
    ]);
    expect(outcome.appended).toBe(2);
    expect(outcome.failures).toEqual([{ shard: 'audit.1', reason: '3 lost races in a row' }]);
  });
});

describe('checkpoints', () => {
  const signerIn = () => createLocalCheckpointSigner(mkdtempSync(join(tmpdir(), 'floorpass-key-')));

  async function world() {
    const chains = createMemoryRecordChains();
    const c = clock();
    const signer: CheckpointSigner = signerIn();
    const deps = {
      eventId: 'hlc-2021',
      clock: c,
      chains,
      checkpoints: createMemoryCheckpointLog(),
      store: createMemoryCheckpointStore(),
      signer,
    };
    return { deps, chains, c };
  }

  it('signs one over the shard heads, and none when nothing was appended since', async () => {
    const { deps, chains, c } = await world();
    expect(await writeCheckpoint(deps)).toEqual({ outcome: 'unchanged', index: null });
    await chainChanges({ chains, clock: c }, [...pending(3, 'audit.0'), ...pending(2, 'ledger.session-1')]);
    const first = await writeCheckpoint(deps);
    expect(first).toMatchObject({ outcome: 'signed', index: 0, size: 5 });
    const stored = deps.store.stored[0] as SignedCheckpoint;
    expect(checkpointSignedBy(stored, readPublicKey(await deps.signer.publicKeyPem()) as never)).toBe(true);
    expect(parseCheckpointNote(stored.note).origin).toBe('floorpass/hlc-2021');
    c.set('2021-06-28T14:05:00.000Z');
    expect(await writeCheckpoint(deps)).toEqual({ outcome: 'unchanged', index: 0 });
    await chainChanges({ chains, clock: c }, pending(1, 'audit.0', 3));
    expect(await writeCheckpoint(deps)).toMatchObject({ outcome: 'signed', index: 1, size: 6 });
  });

  it('never goes back in time, even when this clock is behind the last signer', async () => {
    const { deps, chains, c } = await world();
    await chainChanges({ chains, clock: c }, pending(1));
    await writeCheckpoint(deps);
    c.set('2021-06-28T13:59:59.000Z');
    await chainChanges({ chains, clock: c }, pending(1, 'audit.0', 1));
    await writeCheckpoint(deps);
    const [a, b] = deps.store.stored.map((s) => parseCheckpointNote(s.note).time);
    expect(b).toBe(a);
  });

  it('one signer wins each index; the store gets a claimed checkpoint again if a run stopped before it', async () => {
    const { deps, chains, c } = await world();
    await chainChanges({ chains, clock: c }, pending(2));
    // Another signer claimed index 0 and stopped before writing it to the store.
    const other = await world();
    await chainChanges({ chains: other.chains, clock: c }, pending(1));
    await writeCheckpoint({
      ...other.deps,
      checkpoints: deps.checkpoints,
      store: createMemoryCheckpointStore(),
    });
    expect(deps.store.stored).toHaveLength(0);
    const claimed = deps.checkpoints.claimed[0] as SignedCheckpoint;
    const outcome = await writeCheckpoint(deps);
    // The claimed checkpoint 0 reached the store, and this run signed the next one on top of it.
    expect(deps.store.stored[0]).toEqual(claimed);
    expect(outcome).toMatchObject({ outcome: 'signed', index: 1 });
    expect(parseCheckpointNote((deps.store.stored[1] as SignedCheckpoint).note).index).toBe(1);
    const lost = await writeCheckpoint({
      ...deps,
      checkpoints: { ...deps.checkpoints, claim: async () => false },
    });
    expect(lost.outcome === 'unchanged' || lost.outcome === 'lost-race').toBe(true);
  });

  it('is due every interval, a minute after each room closes, and at first', () => {
    const closes = [new Date('2021-06-28T15:00:00Z')];
    const at = (iso: string) => new Date(iso);
    expect(checkpointDue(null, at('2021-06-28T14:00:00Z'), 5, closes)).toBe(true);
    expect(checkpointDue('2021-06-28T14:00:00Z', at('2021-06-28T14:04:59Z'), 5, closes)).toBe(false);
    expect(checkpointDue('2021-06-28T14:00:00Z', at('2021-06-28T14:05:00Z'), 5, closes)).toBe(true);
    expect(checkpointDue('2021-06-28T14:59:30Z', at('2021-06-28T15:00:59Z'), 5, closes)).toBe(false);
    expect(checkpointDue('2021-06-28T14:59:30Z', at('2021-06-28T15:01:00Z'), 5, closes)).toBe(true);
    expect(checkpointDue('2021-06-28T15:01:00Z', at('2021-06-28T15:02:00Z'), 5, closes)).toBe(false);
  });
});

describe('the bundle archive (ustar)', () => {
  const files = [
    { name: 'floorpass-record-x/README.txt', bytes: new TextEncoder().encode('hello\n') },
    { name: 'floorpass-record-x/entries.jsonl', bytes: new Uint8Array(1500).fill(0x61) },
    { name: 'floorpass-record-x/empty', bytes: new Uint8Array(0) },
  ];

  it('reads back what it wrote', () => {
    const read = readTar(writeTar(files, 1_624_888_800));
    expect(read.map((f) => f.name)).toEqual(files.map((f) => f.name));
    for (const [i, f] of read.entries()) {
      expect(Buffer.from(f.bytes).equals(Buffer.from(files[i]?.bytes ?? []))).toBe(true);
    }
  });

  it('is read by the system tar as it is by verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-tar-'));
    writeFileSync(join(dir, 'b.tar'), writeTar(files, 1_624_888_800));
    expect(
      execFileSync('tar', ['-tf', join(dir, 'b.tar')], { encoding: 'utf8' })
        .trim()
        .split('\n'),
    ).toEqual(files.map((f) => f.name));
    execFileSync('tar', ['-xf', join(dir, 'b.tar'), '-C', dir]);
    expect(readFileSync(join(dir, 'floorpass-record-x/README.txt'), 'utf8')).toBe('hello\n');
    // And an archive the system tar wrote is read too.
    execFileSync('tar', ['-cf', join(dir, 'c.tar'), '-C', dir, 'floorpass-record-x'], {
      env: { ...process.env, COPYFILE_DISABLE: '1' },
    });
    const names = readTar(readFileSync(join(dir, 'c.tar'))).map((f) => f.name);
    expect(names).toContain('floorpass-record-x/entries.jsonl');
  });

  it('refuses a damaged header', () => {
    const bytes = writeTar(files, 0);
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    expect(() => readTar(bytes)).toThrow(/checksum/);
  });
});

describe('the stream filter', () => {
  it('names exactly the item types that go on the record', () => {
    for (const type of recordedTypes)
      expect(shardOf({ type, roomId: 'r', pk: 'FLOORLOG#r', id: 'x' })).not.toBeNull();
    for (const type of ['attendee', 'room-meeting', 'floor', 'email', 'presence', 'rate', 'record-entry']) {
      expect(recordedTypes).not.toContain(type);
    }
  });
});
