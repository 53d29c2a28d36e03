import { replayRecord } from '#adapters/memory/record-replay.ts';
import { httpApi, json } from '#http/api.ts';
import { exportRecord } from '#use-cases/export-record.ts';
import { recordStatus } from '#use-cases/record-status.ts';
import { auditDeps, claims, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/** The verifiable record: its state, and its export for an auditor (docs/record.md). */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...auditDeps(r),
    eventId: r.eventId,
    chains: r.recordChains(),
    store: r.checkpointStore(),
    signer: r.checkpointSigner(),
    exports: r.exportStore(),
    replay: replayRecord,
  };
  const status = {
    eventId: r.eventId,
    clock: deps.clock,
    chains: deps.chains,
    checkpoints: r.checkpointLog(),
    signer: deps.signer,
  };
  return httpApi(
    {
      'GET /record': async (_event, identity) =>
        json(200, await recordStatus(status, identity), { 'cache-control': 'no-store' }),
      // A short-lived download link: a real event's record is larger than a Lambda response may be.
      'GET /record/export': async (_event, identity) =>
        json(200, await exportRecord(deps, identity), { 'cache-control': 'no-store' }),
    },
    claims,
  );
}

export const handler = createHandler();
