/**
 * Primary course: when a room's doors open (or its meeting is first created), make the attendees of
 * everyone who may join it ahead of time — in batches of 100, paced under Chime's rate — and store
 * them, so that at 10:00 a join needs only our own records. The panel goes to the primary meeting; the
 * audience fills the primary up to its reserve, then replica meetings up to Chime's 250.
 *
 * Each batch first reserves its records against the meeting's count as it is then (never past the
 * limit, whatever joins take meanwhile). Throttles pause the run and it resumes; if Chime stays
 * unavailable the rest is handed to on-demand placement, with every unused record given back. Each
 * attendee is stored on the condition that its participant is unchanged since the run read them; those
 * not stored are released. Afterwards the room's orphans are swept. Safe to run again: whoever holds an
 * attendee in a current meeting is skipped.
 */
import { meetingLimit, seatingOf } from '#domain/capacity.ts';
import { MeetingUnavailableError, NotFoundError } from '#domain/errors.ts';
import { type Participant, participantIdOf } from '#domain/participants.ts';
import { type AttendeeCapabilities, decideAccess } from '#domain/policy.ts';
import { joinWindowOf } from '#domain/programme.ts';
import type { ChimeAttendee } from '#ports/meetings.ts';
import type { RoomMeeting } from '#ports/repositories.ts';
import {
  type AttendeeLifecycleDeps,
  attendeeRequests,
  meetingsOf,
  storeProvisioned,
  sweepOrphans,
} from './attendee-lifecycle.ts';
import { ensureReplica, ensureRoomMeeting } from './ensure-room-meeting.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface ProvisionRoomDeps extends AttendeeLifecycleDeps, AuditDeps {
  /** How long an unheld attendee must stay unheld before the sweep deletes it (default 30 s). */
  sweepGraceMs?: number;
}

export interface ProvisionSummary {
  roomId: string;
  status: 'done' | 'skipped';
  reason?: string;
  eligible?: number;
  alreadyHeld?: number;
  created?: number;
  /** Eligible participants no meeting could take (the room is full). */
  unplaced?: number;
  /** Left to on-demand placement because Chime stayed unavailable (they are placed when they join). */
  handedOff?: number;
  /** Made and not stored (the participant changed meanwhile, or a join stored one first): deleted. */
  released?: number;
  /** Attendees no participant held, deleted by the sweep after the run. */
  orphansDeleted?: number;
  meetings?: number;
  batchCalls?: number;
  /** Times the run paused for Chime throttling or unavailability, and resumed. */
  pauses?: number;
}

const BATCH = 100;
/** A run older than this is taken to have died; another may start. */
const RUN_STALE_MS = 5 * 60_000;
/** Error codes of a batch entry worth retrying (the others would fail again). */
const RETRYABLE = /throttl|unavailable|servicefailure|internal/i;
/** Pauses before the run hands the rest to on-demand placement. */
const MAX_PAUSES = 6;

export async function provisionRoom(deps: ProvisionRoomDeps, roomId: string): Promise<ProvisionSummary> {
  const session = await deps.programme.getSession(roomId);
  if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${roomId}".`);
  const now = deps.clock.now();
  const { opensAt, closesAt } = joinWindowOf(session);
  if (now >= closesAt) return { roomId, status: 'skipped', reason: 'the room has closed' };
  if ((await deps.registry.slot(roomId)).state === 'closed') {
    return { roomId, status: 'skipped', reason: 'the room has closed' };
  }

  // This run made (or found) the meeting itself: it must not ask for another run.
  const inner: ProvisionRoomDeps = { ...deps, provisioning: undefined };
  let rm = await ensureRoomMeeting(inner, roomId);
  const startedAt = now.toISOString();
  const started = await deps.registry.setProvisioning(
    roomId,
    rm.generation,
    { status: 'running', startedAt },
    { start: true, staleBefore: new Date(now.getTime() - RUN_STALE_MS) },
  );
  if (!started) return { roomId, status: 'skipped', reason: 'a run is in progress' };

  try {
    // Who may join, as the policy would decide once the doors are open.
    const at = new Date(Math.max(now.getTime(), opensAt.getTime()));
    const everyone = await deps.participants.listAll();
    const delegations = await deps.delegations.getMany([...new Set(everyone.map((p) => p.delegationCode))]);
    const decisions = new Map<string, { epoch: number; capabilities: AttendeeCapabilities }>();
    const queues: Record<'panel' | 'audience', string[]> = { panel: [], audience: [] };
    const current = new Set(meetingsOf(rm).map((m) => m.meetingId));
    const held = new Set(
      (await deps.attendees.listForRoom(roomId))
        .filter((a) => current.has(a.meetingId))
        .map((a) => a.participantId),
    );
    let eligible = 0;
    for (const p of everyone.sort(byId)) {
      const category = delegations.get(p.delegationCode)?.category;
      if (!category) continue;
      const decision = decideAccess({ participant: p, category, session, now: at });
      if (!decision.allowed) continue;
      eligible++;
      if (held.has(p.id)) continue;
      decisions.set(p.id, { epoch: p.credentialEpoch, capabilities: decision.capabilities });
      queues[seatingOf(decision, p.role) === 'panel' ? 'panel' : 'audience'].push(p.id);
    }

    const totals = { created: 0, released: 0, batchCalls: 0, pauses: 0, handedOff: 0 };
    let gaveUp = false;
    // The primary first — the panel up to its limit, the audience up to its reserve, in shared batches —
    // then the audience replica by replica, each replica made when it is needed.
    for (let index = -1; index < deps.maxReplicas; index++) {
      if (queues.panel.length + queues.audience.length === 0 || gaveUp) break;
      if (index >= 0 && queues.audience.length === 0) break;
      if (index >= 0 && !rm.replicas[index]) rm = await ensureReplica(inner, rm, index);
      const meetingId = index < 0 ? rm.meetingId : rm.replicas[index]?.meetingId;
      if (!meetingId) break;
      const kind = index < 0 ? 'primary' : 'replica';
      for (;;) {
        const panel =
          kind === 'primary'
            ? await deps.registry.reserveUpTo(
                roomId,
                meetingId,
                Math.min(BATCH, queues.panel.length),
                meetingLimit(kind, 'panel'),
              )
            : 0;
        const audience = await deps.registry.reserveUpTo(
          roomId,
          meetingId,
          Math.min(BATCH - panel, queues.audience.length),
          meetingLimit(kind, 'audience'),
        );
        const chunk = [...queues.panel.splice(0, panel), ...queues.audience.splice(0, audience)];
        if (chunk.length === 0) break;
        const result = await createBatch(deps, rm, meetingId, chunk, decisions, totals);
        totals.created += result.stored;
        totals.released += result.released;
        totals.handedOff += result.leftover.length;
        if (result.gaveUp.length > 0) {
          // Chime stays unavailable: the rest join on demand (their records are not reserved).
          totals.handedOff += result.gaveUp.length + queues.panel.length + queues.audience.length;
          queues.panel.length = 0;
          queues.audience.length = 0;
          gaveUp = true;
          break;
        }
      }
    }
    const unplaced = queues.panel.length + queues.audience.length;
    const sweep = await sweepOrphans(deps, roomId, { graceMs: deps.sweepGraceMs ?? 30_000 });
    const slot = await deps.registry.slot(roomId);
    if (slot.state === 'ready') rm = slot.roomMeeting;
    await deps.registry.setProvisioning(roomId, rm.generation, {
      status: 'done',
      startedAt,
      finishedAt: deps.clock.now().toISOString(),
      placed: totals.created,
      unplaced: unplaced + totals.handedOff,
    });
    const summary: ProvisionSummary = {
      roomId,
      status: 'done',
      eligible,
      alreadyHeld: held.size,
      created: totals.created,
      unplaced,
      handedOff: totals.handedOff,
      released: totals.released,
      orphansDeleted: sweep.deleted,
      meetings: 1 + rm.replicas.length,
      batchCalls: totals.batchCalls,
      pauses: totals.pauses,
    };
    await recordAudit(deps, {
      actor: 'system:provisioning',
      action: 'room.provision',
      outcome: 'succeeded',
      sessionId: roomId,
      details: { ...summary },
    });
    return summary;
  } catch (error) {
    await deps.registry.setProvisioning(roomId, rm.generation, {
      status: 'failed',
      startedAt,
      finishedAt: deps.clock.now().toISOString(),
    });
    throw error;
  }
}

/**
 * One batch of up to 100, its records already reserved: entries that failed for a passing reason are
 * retried; a call that Chime throttles past the adapter's budget pauses the run and is made again. What
 * was made is stored (or released); every record not used is given back.
 */
async function createBatch(
  deps: ProvisionRoomDeps,
  rm: RoomMeeting,
  meetingId: string,
  ids: string[],
  decisions: Map<string, { epoch: number; capabilities: AttendeeCapabilities }>,
  totals: { batchCalls: number; pauses: number },
): Promise<{ stored: number; released: number; leftover: string[]; gaveUp: string[] }> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const made: ChimeAttendee[] = [];
  let pending = ids;
  let failedForGood: string[] = [];
  let gaveUp: string[] = [];
  for (let round = 0, pauses = 0; round < 3 && pending.length > 0; ) {
    totals.batchCalls++;
    try {
      const result = await deps.meetings.batchCreateAttendees(
        meetingId,
        attendeeRequests(deps, pending, decisions),
      );
      made.push(...result.attendees);
      const retryable = result.errors
        .filter((e) => RETRYABLE.test(e.code))
        .map((e) => participantIdOf(e.externalUserId));
      failedForGood = failedForGood.concat(
        result.errors.filter((e) => !RETRYABLE.test(e.code)).map((e) => participantIdOf(e.externalUserId)),
      );
      pending = retryable;
      round++;
    } catch (error) {
      if (!(error instanceof MeetingUnavailableError)) {
        await deps.registry.giveBack(rm.roomId, meetingId, ids.length - made.length);
        if (made.length > 0) await storeProvisioned(deps, rm, meetingId, made, decisions);
        throw error;
      }
      if (++pauses > MAX_PAUSES) {
        gaveUp = pending;
        break;
      }
      totals.pauses++;
      await sleep(1_000 * pauses);
    }
  }
  await deps.registry.giveBack(rm.roomId, meetingId, ids.length - made.length);
  const { stored, released } =
    made.length > 0
      ? await storeProvisioned(deps, rm, meetingId, made, decisions)
      : { stored: 0, released: 0 };
  // Entries still failing after three rounds, or refused for good, are placed when they join.
  return { stored, released, leftover: gaveUp.length > 0 ? [] : [...pending, ...failedForGood], gaveUp };
}

const byId = (a: Participant, b: Participant) => a.id.localeCompare(b.id);
