/**
 * The in-memory model of the Chime SDK Meetings emulator (a local test double of the AWS service):
 * meetings, their replicas, attendee records and who is connected, with the service's documented rules
 * (chime-facts.md): 250 attendee records per meeting (records, not connections), replicas up to a maximum
 * per primary and ending with it, the empty-meeting end, the 24-hour lifetime, idempotent creation.
 *
 * Methods answering API calls throw `ChimeApiError`; the control methods (connect, leave, drop) that stand
 * in for a client's media connection throw `EmulatorControlError`. Nothing here logs: JoinTokens and
 * ExternalUserIds are sensitive.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  badRequest,
  type ChimeApiError,
  EmulatorControlError,
  errorCodeOf,
  limitExceeded,
  notFound,
} from './errors.ts';
import { buildChimeEvent, type ChimeEventEnvelope, type ChimeMeetingEventType } from './events.ts';
import {
  type AttendeeCapabilities,
  type AttendeeRequestItem,
  type CreateMeetingRequest,
  contentWithoutVideoError,
  isGuid,
  LIMITS,
  type MeetingFeatures,
  parseAttendeeItem,
  type Tag,
} from './validation.ts';

export interface MediaPlacement {
  AudioHostUrl: string;
  AudioFallbackUrl: string;
  SignalingUrl: string;
  TurnControlUrl: string;
  ScreenDataUrl: string;
  ScreenViewingUrl: string;
  ScreenSharingUrl: string;
  EventIngestionUrl: string;
}

/** The `Meeting` object as the service returns it. */
export interface MeetingJson {
  MeetingId: string;
  MeetingHostId?: string;
  ExternalMeetingId: string;
  MediaRegion: string;
  MediaPlacement: MediaPlacement;
  MeetingFeatures?: MeetingFeatures;
  PrimaryMeetingId?: string;
  TenantIds?: string[];
  MeetingArn: string;
}

/** The `Attendee` object as the service returns it (JoinToken included: never log it). */
export interface AttendeeJson {
  ExternalUserId: string;
  AttendeeId: string;
  JoinToken: string;
  Capabilities: AttendeeCapabilities;
}

export interface CreateAttendeeErrorJson {
  ExternalUserId?: string;
  ErrorCode: string;
  ErrorMessage: string;
}

export interface BatchCreateResult {
  Attendees: AttendeeJson[];
  Errors: CreateAttendeeErrorJson[];
}

export interface ChimeStateOptions {
  now: () => number;
  region: string;
  accountId: string;
  emptyMeetingTimeoutMs: number;
  maxMeetingLifetimeMs: number;
  maxAttendeesPerMeeting: number;
  maxReplicasPerPrimary: number;
  emit: (event: ChimeEventEnvelope) => void;
}

interface AttendeeRecord {
  attendeeId: string;
  externalUserId: string;
  joinToken: string;
  capabilities: AttendeeCapabilities;
  connected: boolean;
  /** Creation order, used for ListAttendees paging so that deletions between pages skip nobody. */
  seq: number;
}

interface MeetingRecord {
  meetingId: string;
  externalMeetingId: string;
  mediaRegion: string;
  meetingHostId?: string;
  features?: MeetingFeatures;
  primaryMeetingId?: string;
  tenantIds?: string[];
  tags?: Tag[];
  clientRequestToken: string;
  mediaPlacement: MediaPlacement;
  createdAt: number;
  /** Since when nobody has been connected; null while someone is. Starts at creation. */
  emptySince: number | null;
  /** MeetingStarted is sent once, when the first attendee connects. */
  started: boolean;
  maxAttendees: number;
  replicaIds: Set<string>;
  attendees: Map<string, AttendeeRecord>;
  attendeeIdByExternalUserId: Map<string, string>;
  nextSeq: number;
}

const ALL_SEND_RECEIVE: AttendeeCapabilities = {
  Audio: 'SendReceive',
  Video: 'SendReceive',
  Content: 'SendReceive',
};

export class ChimeState {
  readonly #meetings = new Map<string, MeetingRecord>();
  /** ClientRequestToken → MeetingId, while the meeting lives (the token is reusable afterwards). */
  readonly #meetingIdByToken = new Map<string, string>();
  /** Tombstones, so that a late call can tell "ended/deleted" (410 on control routes) from "never existed". */
  readonly #endedMeetingIds = new Set<string>();
  readonly #deletedAttendeeKeys = new Set<string>();

  constructor(private readonly options: ChimeStateOptions) {}

  // ---- Meetings -------------------------------------------------------------------------------------

  createMeeting(request: CreateMeetingRequest): MeetingJson {
    // Idempotency: the same token returns the same meeting while it lives, whatever else the body says.
    const existingId = this.#meetingIdByToken.get(request.ClientRequestToken);
    const existing = existingId === undefined ? undefined : this.#meetings.get(existingId);
    if (existing) return this.#meetingJson(existing);

    let primary: MeetingRecord | undefined;
    if (request.PrimaryMeetingId !== undefined) {
      // CreateMeeting lists no NotFoundException in the model, so an unknown primary is a bad request.
      primary = isGuid(request.PrimaryMeetingId) ? this.#meetings.get(request.PrimaryMeetingId) : undefined;
      if (!primary) throw badRequest('PrimaryMeetingId does not refer to an active meeting');
      if (primary.primaryMeetingId !== undefined) {
        throw badRequest(
          'PrimaryMeetingId refers to a replica meeting; a replica cannot be a primary meeting',
        );
      }
      if (primary.replicaIds.size >= this.options.maxReplicasPerPrimary) {
        throw limitExceeded(
          `The primary meeting already has the maximum of ${this.options.maxReplicasPerPrimary} replica meetings`,
        );
      }
    }

    const at = this.options.now();
    const meetingId = randomUUID();
    const maxCount = request.MeetingFeatures?.Attendee?.MaxCount;
    const meeting: MeetingRecord = {
      meetingId,
      externalMeetingId: request.ExternalMeetingId,
      mediaRegion: request.MediaRegion,
      clientRequestToken: request.ClientRequestToken,
      mediaPlacement: mediaPlacementFor(meetingId, request.MediaRegion),
      createdAt: at,
      emptySince: at,
      started: false,
      maxAttendees: Math.min(this.options.maxAttendeesPerMeeting, maxCount ?? LIMITS.maxCountMax),
      replicaIds: new Set(),
      attendees: new Map(),
      attendeeIdByExternalUserId: new Map(),
      nextSeq: 1,
    };
    if (request.MeetingHostId !== undefined) meeting.meetingHostId = request.MeetingHostId;
    if (request.MeetingFeatures !== undefined) meeting.features = request.MeetingFeatures;
    if (request.TenantIds !== undefined) meeting.tenantIds = request.TenantIds;
    if (request.Tags !== undefined) meeting.tags = request.Tags;
    if (primary) {
      meeting.primaryMeetingId = primary.meetingId;
      primary.replicaIds.add(meetingId);
    }
    this.#meetings.set(meetingId, meeting);
    this.#meetingIdByToken.set(request.ClientRequestToken, meetingId);
    return this.#meetingJson(meeting);
  }

  getMeeting(meetingId: string): MeetingJson {
    return this.#meetingJson(this.#liveMeeting(meetingId));
  }

  /** Ends the meeting: its attendees and JoinTokens go with it, and so do its replicas. */
  deleteMeeting(meetingId: string): void {
    this.#endMeeting(this.#liveMeeting(meetingId));
  }

  // ---- Attendees ------------------------------------------------------------------------------------

  createAttendee(meetingId: string, item: AttendeeRequestItem): AttendeeJson {
    const meeting = this.#liveMeeting(meetingId);
    const outcome = this.#addAttendee(meeting, item);
    if ('error' in outcome) throw outcome.error;
    return attendeeJson(outcome.attendee);
  }

  #batchEntryErrors: { count: number; code: string } = { count: 0, code: 'Throttling' };

  /** The next BatchCreateAttendee calls report their first `count` entries as failed (a transient error). */
  injectBatchEntryErrors(count: number, code = 'Throttling'): void {
    this.#batchEntryErrors = { count, code };
  }

  /** Items are validated one by one; a bad item or the full meeting is reported in Errors[], not thrown. */
  batchCreateAttendees(meetingId: string, rawItems: unknown[]): BatchCreateResult {
    const meeting = this.#liveMeeting(meetingId);
    const failing = Math.min(this.#batchEntryErrors.count, rawItems.length);
    if (failing === 0) return this.#addAttendees(meeting, rawItems);
    this.#batchEntryErrors.count -= failing;
    const injected = rawItems.slice(0, failing).map((item) => ({
      ExternalUserId: String((item as { ExternalUserId?: unknown })?.ExternalUserId ?? ''),
      ErrorCode: this.#batchEntryErrors.code,
      ErrorMessage: 'Injected transient failure (emulator fault injection)',
    }));
    const rest = this.#addAttendees(meeting, rawItems.slice(failing));
    return { ...rest, Errors: [...injected, ...(rest.Errors ?? [])] };
  }

  createMeetingWithAttendees(
    request: CreateMeetingRequest,
    rawItems: unknown[],
  ): { Meeting: MeetingJson } & BatchCreateResult {
    const meeting = this.createMeeting(request);
    const record = this.#liveMeeting(meeting.MeetingId);
    return { Meeting: meeting, ...this.#addAttendees(record, rawItems) };
  }

  getAttendee(meetingId: string, attendeeId: string): AttendeeJson {
    return attendeeJson(this.#attendee(this.#liveMeeting(meetingId), attendeeId));
  }

  /** Lists attendee records (not connections), in creation order, in pages of at most 100. */
  listAttendees(
    meetingId: string,
    page: { maxResults?: number; nextToken?: string },
  ): { Attendees: AttendeeJson[]; NextToken?: string } {
    const meeting = this.#liveMeeting(meetingId);
    const afterSeq = page.nextToken === undefined ? 0 : decodeNextToken(page.nextToken, meetingId);
    // The service does not document a default page size; 100 (the maximum) is assumed.
    const maxResults = page.maxResults ?? LIMITS.listAttendeesMaxResults;
    const remaining = [...meeting.attendees.values()].filter((attendee) => attendee.seq > afterSeq);
    const pageItems = remaining.slice(0, maxResults);
    const last = pageItems.at(-1);
    const result: { Attendees: AttendeeJson[]; NextToken?: string } = {
      Attendees: pageItems.map(attendeeJson),
    };
    if (remaining.length > maxResults && last) result.NextToken = encodeNextToken(meetingId, last.seq);
    return result;
  }

  /** Deletes the record and its JoinToken; a connected client is disconnected and cannot rejoin. */
  deleteAttendee(meetingId: string, attendeeId: string): void {
    const meeting = this.#liveMeeting(meetingId);
    const attendee = this.#attendee(meeting, attendeeId);
    meeting.attendees.delete(attendee.attendeeId);
    meeting.attendeeIdByExternalUserId.delete(attendee.externalUserId);
    this.#deletedAttendeeKeys.add(attendeeKey(meeting.meetingId, attendee.attendeeId));
    this.#emit('chime:AttendeeDeleted', meeting, attendee);
    if (attendee.connected) {
      // The deletion is what ends the connection, so its Left comes after AttendeeDeleted.
      attendee.connected = false;
      this.#emit('chime:AttendeeLeft', meeting, attendee);
      this.#refreshEmptySince(meeting);
    }
  }

  updateAttendeeCapabilities(
    meetingId: string,
    attendeeId: string,
    capabilities: AttendeeCapabilities,
  ): AttendeeJson {
    const meeting = this.#liveMeeting(meetingId);
    const attendee = this.#attendee(meeting, attendeeId);
    const resolved = resolveCapabilities(meeting, capabilities);
    if (typeof resolved === 'string') throw badRequest(resolved);
    attendee.capabilities = resolved;
    return attendeeJson(attendee);
  }

  batchUpdateAttendeeCapabilitiesExcept(
    meetingId: string,
    excludedAttendeeIds: string[],
    capabilities: AttendeeCapabilities,
  ): void {
    const meeting = this.#liveMeeting(meetingId);
    const resolved = resolveCapabilities(meeting, capabilities);
    if (typeof resolved === 'string') throw badRequest(resolved);
    const excluded = new Set(excludedAttendeeIds);
    for (const attendee of meeting.attendees.values()) {
      if (!excluded.has(attendee.attendeeId)) attendee.capabilities = { ...resolved };
    }
  }

  // ---- Simulated clients (control surface) ----------------------------------------------------------

  /** A client joins with the attendee's JoinToken. A second connect while connected changes nothing. */
  connect(meetingId: string, attendeeId: string): void {
    this.sweep();
    const { meeting, attendee } = this.#controlTarget(meetingId, attendeeId);
    if (attendee.connected) return;
    attendee.connected = true;
    meeting.emptySince = null;
    if (!meeting.started) {
      meeting.started = true;
      this.#emit('chime:MeetingStarted', meeting);
    }
    this.#emit('chime:AttendeeJoined', meeting, attendee);
  }

  /** The client leaves cleanly (AttendeeLeft). */
  leave(meetingId: string, attendeeId: string): void {
    this.#disconnect(meetingId, attendeeId, 'chime:AttendeeLeft');
  }

  /** The client's connection is lost (AttendeeDropped; the service sends it after 10–15 s of silence). */
  drop(meetingId: string, attendeeId: string): void {
    this.#disconnect(meetingId, attendeeId, 'chime:AttendeeDropped');
  }

  // ---- Time ---------------------------------------------------------------------------------------------

  /**
   * Ends every meeting past its lifetime, or empty for longer than the timeout (measured from creation or
   * from the last disconnect). Replicas are skipped: they end only with their primary.
   */
  sweep(): void {
    const at = this.options.now();
    for (const meeting of [...this.#meetings.values()]) {
      if (meeting.primaryMeetingId !== undefined || !this.#meetings.has(meeting.meetingId)) continue;
      const tooOld = at - meeting.createdAt >= this.options.maxMeetingLifetimeMs;
      const emptyTooLong =
        meeting.emptySince !== null && at - meeting.emptySince > this.options.emptyMeetingTimeoutMs;
      if (tooOld || emptyTooLong) this.#endMeeting(meeting);
    }
  }

  counts(): { meetings: number; attendees: number } {
    let attendees = 0;
    for (const meeting of this.#meetings.values()) attendees += meeting.attendees.size;
    return { meetings: this.#meetings.size, attendees };
  }

  // ---- Internals ----------------------------------------------------------------------------------------

  #liveMeeting(meetingId: string): MeetingRecord {
    if (!isGuid(meetingId)) throw badRequest('MeetingId must be a GUID');
    const meeting = this.#meetings.get(meetingId);
    if (meeting) return meeting;
    throw notFound(
      this.#endedMeetingIds.has(meetingId) ? 'The meeting has ended' : 'The requested meeting does not exist',
    );
  }

  #attendee(meeting: MeetingRecord, attendeeId: string): AttendeeRecord {
    if (!isGuid(attendeeId)) throw badRequest('AttendeeId must be a GUID');
    const attendee = meeting.attendees.get(attendeeId);
    if (!attendee) throw notFound('The requested attendee does not exist');
    return attendee;
  }

  #addAttendee(
    meeting: MeetingRecord,
    item: AttendeeRequestItem,
  ): { attendee: AttendeeRecord } | { error: ChimeApiError } {
    // ExternalUserId is documented as an idempotency token: a retry gets the record created first.
    const existingId = meeting.attendeeIdByExternalUserId.get(item.ExternalUserId);
    const existing = existingId === undefined ? undefined : meeting.attendees.get(existingId);
    if (existing) return { attendee: existing };

    const capabilities = resolveCapabilities(meeting, item.Capabilities);
    if (typeof capabilities === 'string') return { error: badRequest(capabilities) };
    // Records count until DeleteAttendee, connected or not (FAQ); the quota is not adjustable.
    if (meeting.attendees.size >= meeting.maxAttendees) {
      return {
        error: limitExceeded(
          `The meeting already has the maximum number of attendees (${meeting.maxAttendees})`,
        ),
      };
    }
    const attendee: AttendeeRecord = {
      attendeeId: randomUUID(),
      externalUserId: item.ExternalUserId,
      // Opaque bearer secret: 96 random bytes in standard base64 without padding (128 characters), the
      // documented pattern ^[a-zA-Z0-9+/]+$ (length 2–2048); base64url's - and _ fall outside it.
      joinToken: randomBytes(96).toString('base64').replace(/=+$/, ''),
      capabilities,
      connected: false,
      seq: meeting.nextSeq,
    };
    meeting.nextSeq += 1;
    meeting.attendees.set(attendee.attendeeId, attendee);
    meeting.attendeeIdByExternalUserId.set(attendee.externalUserId, attendee.attendeeId);
    this.#emit('chime:AttendeeAdded', meeting, attendee);
    return { attendee };
  }

  #addAttendees(meeting: MeetingRecord, rawItems: unknown[]): BatchCreateResult {
    const result: BatchCreateResult = { Attendees: [], Errors: [] };
    for (const raw of rawItems) {
      const parsed = parseAttendeeItem(raw);
      if (!parsed.ok) {
        const error: CreateAttendeeErrorJson = {
          ErrorCode: errorCodeOf('BadRequestException'),
          ErrorMessage: parsed.message,
        };
        if (parsed.externalUserId !== undefined) error.ExternalUserId = parsed.externalUserId;
        result.Errors.push(error);
        continue;
      }
      const outcome = this.#addAttendee(meeting, parsed.item);
      if ('error' in outcome) {
        result.Errors.push({
          ExternalUserId: parsed.item.ExternalUserId,
          ErrorCode: outcome.error.code,
          ErrorMessage: outcome.error.message,
        });
      } else {
        result.Attendees.push(attendeeJson(outcome.attendee));
      }
    }
    return result;
  }

  #controlTarget(
    meetingId: string,
    attendeeId: string,
  ): { meeting: MeetingRecord; attendee: AttendeeRecord } {
    const meeting = this.#meetings.get(meetingId);
    if (!meeting) {
      if (this.#endedMeetingIds.has(meetingId)) {
        throw new EmulatorControlError(410, 'The meeting has ended; its JoinTokens no longer work');
      }
      throw new EmulatorControlError(404, 'No such meeting');
    }
    const attendee = meeting.attendees.get(attendeeId);
    if (!attendee) {
      if (this.#deletedAttendeeKeys.has(attendeeKey(meetingId, attendeeId))) {
        throw new EmulatorControlError(410, 'The attendee was deleted; its JoinToken no longer works');
      }
      throw new EmulatorControlError(404, 'No such attendee in this meeting');
    }
    return { meeting, attendee };
  }

  #disconnect(
    meetingId: string,
    attendeeId: string,
    eventType: 'chime:AttendeeLeft' | 'chime:AttendeeDropped',
  ) {
    this.sweep();
    const { meeting, attendee } = this.#controlTarget(meetingId, attendeeId);
    if (!attendee.connected) throw new EmulatorControlError(409, 'The attendee is not connected');
    attendee.connected = false;
    this.#emit(eventType, meeting, attendee);
    this.#refreshEmptySince(meeting);
  }

  #refreshEmptySince(meeting: MeetingRecord): void {
    const anyoneConnected = [...meeting.attendees.values()].some((attendee) => attendee.connected);
    if (anyoneConnected) meeting.emptySince = null;
    else if (meeting.emptySince === null) meeting.emptySince = this.options.now();
  }

  /**
   * Only MeetingEnded is sent for the meeting's end, not a Left per connected attendee: the documentation
   * sends MeetingEnded on DeleteMeeting "for efficiency", so consumers close open attendances on it.
   */
  #endMeeting(meeting: MeetingRecord): void {
    this.#meetings.delete(meeting.meetingId);
    this.#endedMeetingIds.add(meeting.meetingId);
    if (this.#meetingIdByToken.get(meeting.clientRequestToken) === meeting.meetingId) {
      this.#meetingIdByToken.delete(meeting.clientRequestToken);
    }
    if (meeting.primaryMeetingId !== undefined) {
      this.#meetings.get(meeting.primaryMeetingId)?.replicaIds.delete(meeting.meetingId);
    }
    this.#emit('chime:MeetingEnded', meeting);
    for (const replicaId of meeting.replicaIds) {
      const replica = this.#meetings.get(replicaId);
      if (replica) this.#endMeeting(replica);
    }
  }

  #meetingJson(meeting: MeetingRecord): MeetingJson {
    const json: MeetingJson = {
      MeetingId: meeting.meetingId,
      ExternalMeetingId: meeting.externalMeetingId,
      MediaRegion: meeting.mediaRegion,
      MediaPlacement: { ...meeting.mediaPlacement },
      MeetingArn: `arn:aws:chime:${this.options.region}:${this.options.accountId}:meeting/${meeting.meetingId}`,
    };
    if (meeting.meetingHostId !== undefined) json.MeetingHostId = meeting.meetingHostId;
    if (meeting.features !== undefined) json.MeetingFeatures = structuredClone(meeting.features);
    if (meeting.primaryMeetingId !== undefined) json.PrimaryMeetingId = meeting.primaryMeetingId;
    if (meeting.tenantIds !== undefined) json.TenantIds = [...meeting.tenantIds];
    return json;
  }

  #emit(eventType: ChimeMeetingEventType, meeting: MeetingRecord, attendee?: AttendeeRecord): void {
    this.options.emit(
      buildChimeEvent({
        eventType,
        at: this.options.now(),
        account: this.options.accountId,
        region: this.options.region,
        meeting,
        ...(attendee ? { attendee } : {}),
      }),
    );
  }
}

function attendeeJson(attendee: AttendeeRecord): AttendeeJson {
  return {
    ExternalUserId: attendee.externalUserId,
    AttendeeId: attendee.attendeeId,
    JoinToken: attendee.joinToken,
    Capabilities: { ...attendee.capabilities },
  };
}

function attendeeKey(meetingId: string, attendeeId: string): string {
  return `${meetingId}/${attendeeId}`;
}

/**
 * The capabilities an attendee gets, or why they are refused. Without a request: everything SendReceive,
 * except media the meeting switched off (MeetingFeatures MaxResolution None), where the documented
 * defaults apply (video Receive if content is still on, because content needs video reception).
 */
function resolveCapabilities(
  meeting: MeetingRecord,
  requested: AttendeeCapabilities | undefined,
): AttendeeCapabilities | string {
  const videoOff = meeting.features?.Video?.MaxResolution === 'None';
  const contentOff = meeting.features?.Content?.MaxResolution === 'None';
  if (!requested) {
    if (!videoOff && !contentOff) return { ...ALL_SEND_RECEIVE };
    return {
      Audio: 'SendReceive',
      Video: videoOff ? (contentOff ? 'None' : 'Receive') : 'SendReceive',
      Content: contentOff ? 'None' : 'SendReceive',
    };
  }
  const conflict = contentWithoutVideoError(requested);
  if (conflict) return conflict;
  if (videoOff && requested.Video !== 'None') {
    return 'Video capability must be None when the meeting has MeetingFeatures.Video.MaxResolution None';
  }
  if (contentOff && requested.Content !== 'None') {
    return 'Content capability must be None when the meeting has MeetingFeatures.Content.MaxResolution None';
  }
  return { ...requested };
}

/**
 * Fake but well-formed media URLs, shaped like the service's. The `.invalid` TLD (RFC 2606) guarantees a
 * client handed these can never reach a real media server by accident.
 */
function mediaPlacementFor(meetingId: string, region: string): MediaPlacement {
  const host = `m1.${region}.app.chime-emulator.invalid`;
  return {
    AudioHostUrl: `${randomBytes(16).toString('hex')}.k.${host}:3478`,
    AudioFallbackUrl: `wss://haxrp.${host}:443/calls/${meetingId}`,
    SignalingUrl: `wss://signal.${host}/control/${meetingId}`,
    TurnControlUrl: `https://turn.${region}.meetings.chime-emulator.invalid/v2/turn_sessions`,
    ScreenDataUrl: `wss://bitpw.${host}:443/v2/screen/${meetingId}`,
    ScreenViewingUrl: `wss://bitpw.${host}:443/ws/connect?passcode=null&viewer_uuid=null&X-BitHub-Call-Id=${meetingId}`,
    ScreenSharingUrl: `wss://bitpw.${host}:443/v2/screen/${meetingId}`,
    EventIngestionUrl: `https://data.svc.${region}.ingest.chime-emulator.invalid/v1/client-events`,
  };
}

/** NextToken is opaque to callers; it names the meeting so a token cannot be replayed on another one. */
function encodeNextToken(meetingId: string, afterSeq: number): string {
  return Buffer.from(JSON.stringify({ m: meetingId, s: afterSeq })).toString('base64url');
}

function decodeNextToken(token: string, meetingId: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'm' in parsed &&
      's' in parsed &&
      parsed.m === meetingId &&
      typeof parsed.s === 'number' &&
      Number.isInteger(parsed.s)
    ) {
      return parsed.s;
    }
  } catch {
    // fall through to the same answer as a well-formed but foreign token
  }
  throw badRequest('The NextToken is not valid');
}
