/**
 * Primary course: when a room's doors open (or its meeting is first created), make the attendees of
 * everyone who may join it ahead of time — in batches of 100, paced under Chime's rate — and store
 * them, so that at 10:00 a join needs only our own records. Speakers and moderators go to the primary
 * meeting; the audience fills the primary, then replica meetings. Safe to run again: whoever already
 * holds an attendee in a current meeting is skipped, and a lost race keeps the first attendee stored.
 */
import { allocate } from '#domain/capacity.ts';
import { NotFoundError } from '#domain/errors.ts';
import type { Participant } from '#domain/participants.ts';
import { type AttendeeCapabilities, decideAccess } from '#domain/policy.ts';
import { joinWindowOf } from '#domain/programme.ts';
import type { ChimeAttendee } from '#ports/meetings.ts';
import type {
  AttendeeRepository,
  DelegationRepository,
  ParticipantRepository,
  ProgrammeRepository,
  RoomMeeting,
  StoredAttendee,
} from '#ports/repositories.ts';
import { type EnsureRoomMeetingDeps, ensureReplica, ensureRoomMeeting } from './ensure-room-meeting.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface ProvisionRoomDeps extends EnsureRoomMeetingDeps, AuditDeps {
  programme: ProgrammeRepository;
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  attendees: AttendeeRepository;
  maxReplicas: number;
}

export interface ProvisionSummary {
  roomId: string;
  status: 'done' | 'skipped';
  reason?: string;
  eligible?: number;
  alreadyHeld?: number;
  created?: number;
  unplaced?: number;
  meetings?: number;
  batchCalls?: number;
}

const BATCH = 100;
/** A run older than this is taken to have died; another may start. */
const RUN_STALE_MS = 5 * 60_000;
/** Error codes of a batch entry worth retrying (the others would fail again). */
const RETRYABLE = /throttl|unavailable|servicefailure|internal/i;

export async function provisionRoom(deps: ProvisionRoomDeps, roomId: string): Promise<ProvisionSummary> {
  const session = await deps.programme.getSession(roomId);
  if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${roomId}".`);
  const now = deps.clock.now();
  const { opensAt, closesAt } = joinWindowOf(session);
  if (now >= closesAt) return { roomId, status: 'skipped', reason: 'the room has closed' };

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
    const capabilities = new Map<string, AttendeeCapabilities>();
    const speakers: string[] = [];
    const audience: string[] = [];
    const held = new Set(
      (await deps.attendees.listForRoom(roomId))
        .filter((a) => [rm.meetingId, ...rm.replicas.map((r) => r.meetingId)].includes(a.meetingId))
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
      capabilities.set(p.id, decision.capabilities);
      (decision.maySpeak || p.role === 'Moderator' ? speakers : audience).push(p.id);
    }

    const load = {
      primary: rm.counts[rm.meetingId] ?? 0,
      replicas: rm.replicas.map((r) => rm.counts[r.meetingId] ?? 0),
    };
    const plan = allocate(speakers, audience, load, deps.maxReplicas);
    for (let i = rm.replicas.length; i < plan.replicas.length; i++) {
      if (plan.replicas[i]?.length) rm = await ensureReplica(inner, rm, i);
    }

    let created = 0;
    let batchCalls = 0;
    let unplaced = plan.unplaced.length;
    const targets: [string, string[]][] = [
      [rm.meetingId, plan.primary],
      ...plan.replicas.map((ids, i): [string, string[]] => [rm.replicas[i]?.meetingId ?? '', ids]),
    ];
    for (const [meetingId, ids] of targets) {
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        const result = await createBatch(deps, rm, meetingId, chunk, capabilities);
        created += result.created;
        unplaced += result.failed;
        batchCalls += result.calls;
      }
    }
    await deps.registry.setProvisioning(roomId, rm.generation, {
      status: 'done',
      startedAt,
      finishedAt: deps.clock.now().toISOString(),
      placed: created,
      unplaced,
    });
    const summary: ProvisionSummary = {
      roomId,
      status: 'done',
      eligible,
      alreadyHeld: held.size,
      created,
      unplaced,
      meetings: 1 + rm.replicas.length,
      batchCalls,
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
 * One batch of up to 100: the meeting's records are counted first (so on-demand joins see them taken),
 * entries that failed for a passing reason are retried alone, and every attendee made is stored unless
 * an on-demand join stored one first — then ours is deleted, since records count until deleted.
 */
async function createBatch(
  deps: ProvisionRoomDeps,
  rm: RoomMeeting,
  meetingId: string,
  ids: string[],
  capabilities: Map<string, AttendeeCapabilities>,
): Promise<{ created: number; failed: number; calls: number }> {
  await deps.registry.adjustCount(rm.roomId, meetingId, ids.length);
  const made: ChimeAttendee[] = [];
  let pending = ids;
  let calls = 0;
  for (let round = 0; round < 3 && pending.length > 0; round++) {
    calls++;
    const result = await deps.meetings.batchCreateAttendees(
      meetingId,
      pending.map((id) => ({
        externalUserId: id,
        capabilities: capabilities.get(id) as AttendeeCapabilities,
      })),
    );
    made.push(...result.attendees);
    pending = result.errors.filter((e) => RETRYABLE.test(e.code)).map((e) => e.externalUserId);
  }
  const at = deps.clock.now().toISOString();
  const stored = await deps.attendees.putManyIfAbsent(
    made.map(
      (attendee): StoredAttendee => ({
        participantId: attendee.ExternalUserId,
        roomId: rm.roomId,
        meetingId,
        generation: rm.generation,
        attendee,
        capabilities: capabilities.get(attendee.ExternalUserId) as AttendeeCapabilities,
        createdAt: at,
      }),
    ),
  );
  const storedIds = new Set(stored.map((s) => s.attendee.AttendeeId));
  for (const attendee of made) {
    if (!storedIds.has(attendee.AttendeeId))
      await deps.meetings.deleteAttendee(meetingId, attendee.AttendeeId);
  }
  const unused = ids.length - stored.length;
  if (unused > 0) await deps.registry.adjustCount(rm.roomId, meetingId, -unused);
  return { created: stored.length, failed: ids.length - made.length, calls };
}

const byId = (a: Participant, b: Participant) => a.id.localeCompare(b.id);
