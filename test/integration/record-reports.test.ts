import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayRecord } from '#adapters/memory/record-replay.ts';
import { bundleFromTar, parseBundle } from '#domain/record-bundle.ts';
import { readTar, writeTar } from '#domain/tar.ts';
import { recordReports } from '#use-cases/record-reports.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * The reports recomputed from the record (docs/record.md, "Reports"), end to end on DynamoDB Local: a
 * small morning in Session I, then, with the local clock stopped, the live API's CSVs against those the
 * record's entries give by replay, and `verify` on the exported archive — untouched, and with one report
 * line edited.
 */
const ORG = 'organizer@example.org';
const MOD = 'moderator@example.org';
const FRA = 'hod.fra@example.org';
const ROOM = 'session-1';
const run = promisify(execFile);
const at = (hhmm: string) => new Date(`2021-06-28T${hhmm}:00-04:00`);
const AS_OF = at('12:15');

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
/** Each report as the live API gives it at AS_OF, by the name the API gives its download. */
const live = new Map<string, string>();
let archive: Uint8Array;

async function idOf(email: string): Promise<string> {
  const p = await stack.deps.participants.findByEmail(email);
  if (!p) throw new Error(`${email} is not registered`);
  return p.id;
}

/** Stops the local clock at `instant` and runs what is due then, as POST /_local/clock does. */
async function freeze(instant: Date) {
  const res = await api.call('POST', '/_local/clock', { body: { now: instant.toISOString(), frozen: true } });
  expect(res.status, res.text).toBeLessThan(300);
}

async function liveCsv(path: string) {
  const res = await api.call('GET', path, { as: ORG });
  expect(res.status, res.text).toBe(200);
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  expect(name, `${path} names its download`).toBeDefined();
  live.set(name as string, res.text);
}

const tsx = (...args: string[]) => run('npx', ['tsx', 'local/verify.ts', ...args]).catch((e) => e);

beforeAll(async () => {
  stack = await startTestStack({ chainRecord: true, provisioning: false });
  api = apiClient(stack);

  // 11:30 France's Head of Delegation joins Session I and its client connects; the Holy See is refused.
  await freeze(at('11:30'));
  const join = await api.call('POST', `/sessions/${ROOM}/join`, { as: FRA });
  expect(join.status, join.text).toBe(200);
  const france = `/_local/meetings/${join.body.meeting.MeetingId}/attendees/${join.body.attendee.AttendeeId}`;
  expect((await api.call('POST', `${france}/connect`)).status).toBe(204);
  const refused = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'delegate.vat@example.org' });
  expect(refused.status).toBe(403);
  await stack.pipeline.flush();

  // 11:35 Brazil's delegate is given the in-person seat and checked in at the door.
  await freeze(at('11:35'));
  const brazil = await idOf('delegate.bra@example.org');
  const seat = await api.call('PUT', '/delegations/BRA/in-person-seat', {
    as: ORG,
    body: { participantId: brazil },
  });
  expect(seat.status, seat.text).toBe(200);
  const door = await api.call('POST', `/sessions/${ROOM}/check-ins`, {
    as: ORG,
    body: { participantId: brazil, direction: 'in' },
  });
  expect(door.status, door.text).toBe(201);

  // 11:40 France inscribes and is given the floor; 11:42 the moderator ends the intervention.
  await freeze(at('11:40'));
  expect((await api.call('POST', `/sessions/${ROOM}/floor/requests`, { as: FRA })).status).toBe(201);
  expect((await api.call('POST', `/sessions/${ROOM}/floor/next`, { as: MOD })).status).toBe(200);
  await freeze(at('11:42'));
  expect((await api.call('POST', `/sessions/${ROOM}/floor/end`, { as: MOD })).status).toBe(200);

  // 11:55 France's client leaves.
  await freeze(at('11:55'));
  expect((await api.call('POST', `${france}/leave`)).status).toBe(204);
  await stack.pipeline.flush();

  // 12:15, the clock stopped: every change chained, then the live reports and the export at that instant.
  await freeze(AS_OF);
  await stack.record.flush();
  const programme = await stack.deps.programme.get();
  for (const session of programme?.sessions ?? []) {
    await liveCsv(`/sessions/${session.id}/attendance?format=csv`);
    if (session.floor) await liveCsv(`/sessions/${session.id}/interventions?format=csv`);
  }
  await liveCsv('/roll-call?format=csv');
  const exported = await api.call('GET', '/record/export', { as: ORG });
  expect(exported.status, exported.text).toBe(200);
  archive = new Uint8Array(await (await fetch(exported.body.url)).arrayBuffer());
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('the reports recomputed from the record, on DynamoDB Local', () => {
  it('the scenario shows in the live reports', () => {
    const attendance = live.get(`attendance-${ROOM}.csv`) ?? '';
    expect(attendance).toMatch(/\r\nFRA,France,MemberState,[^\r]*,online,2021-06-28T15:30:00.000Z,/);
    expect(attendance).toMatch(/\r\nBRA,Brazil,MemberState,[^\r]*,in-person,2021-06-28T15:35:00.000Z,/);
    expect(live.get(`interventions-${ROOM}.csv`)).toMatch(/\r\n1,FRA,France,/);
    expect(live.get('roll-call.csv')).toMatch(/\r\nBRA,Brazil,MemberState,[a-z-]+,in-person,/);
  });

  it('replaying the chained entries gives the live API’s CSVs at the same instant, byte for byte', async () => {
    // Prepare
    const { entries } = parseBundle(bundleFromTar(archive).texts);

    // Act
    const replayed = await recordReports(await replayRecord(entries.map((e) => e.entry)), AS_OF);

    // Assess
    expect(replayed.map((r) => r.name).sort()).toEqual([...live.keys()].sort());
    for (const report of replayed) expect(report.text, report.name).toBe(live.get(report.name));
  });

  it('the export carries the same reports, as of the export, with their manifest', () => {
    const { reports } = bundleFromTar(archive);
    const decode = (b: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
    expect(JSON.parse(decode(reports?.manifest ?? new Uint8Array()))).toEqual({
      asOf: AS_OF.toISOString(),
      files: expect.arrayContaining([...live.keys()]),
    });
    expect(reports?.files.size).toBe(live.size);
    for (const [name, text] of live)
      expect(decode(reports?.files.get(name) ?? new Uint8Array()), name).toBe(text);
  });

  it('verify recomputes them from the entries and says they match', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'floorpass-reports-')), 'record.tar');
    writeFileSync(file, archive);
    const ok = await tsx(file, stack.record.fingerprint);
    expect(ok.stderr ?? '').toBe('');
    expect(ok.stdout).toContain('floorpass verify: OK');
    expect(ok.stdout).toContain(`reports: ${live.size} recomputed from the entries; all match`);
  }, 60_000);

  it('verify fails, naming the file and the line, when a report line in the archive is edited', async () => {
    // Prepare: Brazil's in-person presence in Session I turned into an absence, in the roll call only
    const members = readTar(archive);
    const rollCall = members.find((m) => m.name.endsWith('/reports/roll-call.csv'));
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(rollCall?.bytes);
    const lines = text.split('\r\n');
    const line = lines.findIndex((l) => l.startsWith('BRA,'));
    lines[line] = (lines[line] as string).replace('in-person', 'absent');
    const edited = members.map((m) =>
      m === rollCall ? { name: m.name, bytes: new TextEncoder().encode(lines.join('\r\n')) } : m,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'floorpass-reports-')), 'record.tar');
    writeFileSync(file, writeTar(edited, AS_OF.getTime() / 1000));

    // Act
    const bad = await tsx(file, stack.record.fingerprint);

    // Assess
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('floorpass verify: FAILED');
    expect(bad.stderr).toContain(
      `reports: reports/roll-call.csv line ${line + 1} differs from what the entries give`,
    );
    expect(bad.stderr).toContain('the record itself verifies');
  }, 60_000);
});
