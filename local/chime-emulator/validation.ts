/**
 * Request validation for the Chime SDK Meetings emulator (a local test double of the AWS service).
 *
 * The constraints are the ones of the service model (`chime-sdk-meetings.json`, shape traits `length`,
 * `pattern`, `range`, `required`) and of the API reference, as collected in chime-facts.md §1. The SDK does
 * not validate input on the client side, so the service is where a bad ExternalUserId is caught: the
 * emulator has to catch it too, or the bug only shows in production.
 */

import { chimeMediaRegions } from '#adapters/chime/media-regions.ts';
import { badRequest } from './errors.ts';

export type MediaCapability = 'SendReceive' | 'Send' | 'Receive' | 'None';

export interface AttendeeCapabilities {
  Audio: MediaCapability;
  Video: MediaCapability;
  Content: MediaCapability;
}

export interface MeetingFeatures {
  Audio?: { EchoReduction?: 'AVAILABLE' | 'UNAVAILABLE' };
  Video?: { MaxResolution?: 'None' | 'HD' | 'FHD' };
  Content?: { MaxResolution?: 'None' | 'FHD' | 'UHD' };
  Attendee?: { MaxCount?: number };
}

export interface NotificationsConfiguration {
  LambdaFunctionArn?: string;
  SnsTopicArn?: string;
  SqsQueueArn?: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface CreateMeetingRequest {
  ClientRequestToken: string;
  MediaRegion: string;
  ExternalMeetingId: string;
  MeetingHostId?: string;
  PrimaryMeetingId?: string;
  MeetingFeatures?: MeetingFeatures;
  NotificationsConfiguration?: NotificationsConfiguration;
  TenantIds?: string[];
  Tags?: Tag[];
  MediaPlacementNetworkType?: 'DualStack' | 'Ipv4Only';
}

export interface AttendeeRequestItem {
  ExternalUserId: string;
  Capabilities?: AttendeeCapabilities;
}

/** One item of a batch: either valid, or the error to report in `Errors[]` for it. */
export type ParsedAttendeeItem =
  | { ok: true; item: AttendeeRequestItem }
  | { ok: false; externalUserId?: string; message: string };

/** MediaRegion values listed by the API reference: 18 commercial and 2 GovCloud Regions. */
export const MEDIA_REGIONS: ReadonlySet<string> = new Set(chimeMediaRegions);

/** Limits from the model that other modules need. */
export const LIMITS = {
  batchCreateAttendeeMax: 100,
  // The model says 20, but the quotas page says 10 and the service answers a validation error above 10.
  createMeetingWithAttendeesMax: 10,
  listAttendeesMaxResults: 100,
  excludedAttendeeIdsMax: 250,
  maxCountMax: 250,
  // FHD video or UHD content lowers the attendee maximum from 250 to 25 (AttendeeFeatures docs).
  highResolutionMaxCount: 25,
} as const;

/**
 * ExternalMeetingId / ExternalUserId: `[-_&@+=,(){}\[\]\/«».:|'"#a-zA-Z0-9À-ÿ\s]*`. The service is a Java
 * service, so `\s` is Java's ASCII whitespace set, not JavaScript's Unicode one: spelled out here.
 */
const EXTERNAL_ID_PATTERN = /^[-_&@+=,(){}[\]/«».:|'"#a-zA-Z0-9À-ÿ \t\n\v\f\r]*$/;
const CLIENT_REQUEST_TOKEN_PATTERN = /^[-_a-zA-Z0-9]*$/;
const GUID_PATTERN = /^[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$/;
const ARN_PATTERN = /^arn[/:\-_.a-zA-Z0-9]+$/;
const TENANT_ID_PATTERN = /^(?!.*?(.)\1{3})[-_!@#$a-zA-Z0-9]*$/;
// Copied from the model as written: `+-=` is a character range there (it admits digits, `,` and `;`).
const TAG_KEY_PATTERN = /^[a-zA-Z+-=._:/]+$/;
const TAG_VALUE_PATTERN = /^[\s\w+-=.:/@]*$/;

const CAPABILITY_VALUES: ReadonlySet<string> = new Set(['SendReceive', 'Send', 'Receive', 'None']);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

/** Smithy `length` counts Unicode code points, not UTF-16 units. */
function codePoints(value: string): number {
  return [...value].length;
}

function lengthError(field: string, value: string, min: number, max: number): string | undefined {
  const length = codePoints(value);
  if (length < min || length > max) {
    return `${field} must be between ${min} and ${max} characters long (got ${length})`;
  }
  return undefined;
}

/**
 * Checks an ExternalUserId, ExternalMeetingId or MeetingHostId. Returns the error message, or undefined.
 * The messages name the field and the rule, never echo the value (ExternalUserId is sensitive in the model).
 */
export function externalIdError(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return `${field} is required`;
  if (typeof value !== 'string') return `${field} must be a string`;
  const tooLongOrShort = lengthError(field, value, 2, 64);
  if (tooLongOrShort) return tooLongOrShort;
  if (!EXTERNAL_ID_PATTERN.test(value)) {
    return `${field} must match the pattern [-_&@+=,(){}\\[\\]\\/«».:|'"#a-zA-Z0-9À-ÿ\\s]*`;
  }
  if (/^aws:/i.test(value)) return `${field} values that begin with aws: are reserved`;
  return undefined;
}

function requireValid(message: string | undefined): void {
  if (message) throw badRequest(message);
}

/** Parses `Capabilities`: when present, Audio, Video and Content are all required (model). */
export function capabilitiesError(value: unknown, field = 'Capabilities'): string | undefined {
  if (!isRecord(value)) return `${field} must be an object with Audio, Video and Content`;
  for (const medium of ['Audio', 'Video', 'Content'] as const) {
    const capability = value[medium];
    if (capability === undefined || capability === null) return `${field}.${medium} is required`;
    if (typeof capability !== 'string' || !CAPABILITY_VALUES.has(capability)) {
      return `${field}.${medium} must be one of SendReceive, Send, Receive, None`;
    }
  }
  return undefined;
}

/**
 * The documented cross-field rule: content SendReceive/Receive needs video SendReceive/Receive (sharing a
 * screen is sent as a video stream, so a client that cannot receive video cannot receive content either).
 */
export function contentWithoutVideoError(capabilities: AttendeeCapabilities): string | undefined {
  const receives = (capability: MediaCapability) => capability === 'SendReceive' || capability === 'Receive';
  if (receives(capabilities.Content) && !receives(capabilities.Video)) {
    return 'Content capability SendReceive or Receive requires Video capability SendReceive or Receive';
  }
  return undefined;
}

export function parseCapabilities(value: unknown, field = 'Capabilities'): AttendeeCapabilities {
  requireValid(capabilitiesError(value, field));
  const record = value as Record<string, MediaCapability>;
  return { Audio: record.Audio!, Video: record.Video!, Content: record.Content! };
}

/** One CreateAttendee request or BatchCreateAttendee item, without the meeting-dependent checks. */
export function parseAttendeeItem(value: unknown): ParsedAttendeeItem {
  if (!isRecord(value)) return { ok: false, message: 'Each attendee must be an object' };
  const externalUserId = typeof value.ExternalUserId === 'string' ? value.ExternalUserId : undefined;
  const idError = externalIdError('ExternalUserId', value.ExternalUserId);
  if (idError) {
    return { ok: false, ...(externalUserId === undefined ? {} : { externalUserId }), message: idError };
  }
  const id = value.ExternalUserId as string;
  if (value.Capabilities === undefined || value.Capabilities === null) {
    return { ok: true, item: { ExternalUserId: id } };
  }
  const capabilityError = capabilitiesError(value.Capabilities);
  if (capabilityError) return { ok: false, externalUserId: id, message: capabilityError };
  const capabilities = parseCapabilities(value.Capabilities);
  const conflict = contentWithoutVideoError(capabilities);
  if (conflict) return { ok: false, externalUserId: id, message: conflict };
  return { ok: true, item: { ExternalUserId: id, Capabilities: capabilities } };
}

export function parseCreateAttendee(body: unknown): AttendeeRequestItem {
  const parsed = parseAttendeeItem(body);
  if (!parsed.ok) throw badRequest(parsed.message);
  return parsed.item;
}

/** The list of a BatchCreateAttendee / CreateMeetingWithAttendees body; items are checked one by one. */
export function parseAttendeeList(value: unknown, max: number): unknown[] {
  if (!Array.isArray(value)) throw badRequest('Attendees is required and must be a list');
  if (value.length < 1 || value.length > max) {
    throw badRequest(`Attendees must contain between 1 and ${max} items (got ${value.length})`);
  }
  return value;
}

function parseMeetingFeatures(value: unknown): MeetingFeatures {
  if (!isRecord(value)) throw badRequest('MeetingFeatures must be an object');
  const features: MeetingFeatures = {};
  const section = (name: string): Record<string, unknown> | undefined => {
    const part = value[name];
    if (part === undefined || part === null) return undefined;
    if (!isRecord(part)) throw badRequest(`MeetingFeatures.${name} must be an object`);
    return part;
  };
  const oneOf = <T extends string>(field: string, raw: unknown, allowed: readonly T[]): T | undefined => {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
      throw badRequest(`${field} must be one of ${allowed.join(', ')}`);
    }
    return raw as T;
  };

  const audio = section('Audio');
  if (audio) {
    const echo = oneOf('MeetingFeatures.Audio.EchoReduction', audio.EchoReduction, [
      'AVAILABLE',
      'UNAVAILABLE',
    ]);
    features.Audio = echo ? { EchoReduction: echo } : {};
  }
  const video = section('Video');
  if (video) {
    const resolution = oneOf('MeetingFeatures.Video.MaxResolution', video.MaxResolution, [
      'None',
      'HD',
      'FHD',
    ]);
    features.Video = resolution ? { MaxResolution: resolution } : {};
  }
  const content = section('Content');
  if (content) {
    const resolution = oneOf('MeetingFeatures.Content.MaxResolution', content.MaxResolution, [
      'None',
      'FHD',
      'UHD',
    ]);
    features.Content = resolution ? { MaxResolution: resolution } : {};
  }
  const attendee = section('Attendee');
  if (attendee) {
    const maxCount = attendee.MaxCount;
    if (maxCount !== undefined && maxCount !== null) {
      if (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 1) {
        throw badRequest(
          `MeetingFeatures.Attendee.MaxCount must be an integer between 1 and ${LIMITS.maxCountMax}`,
        );
      }
      if (maxCount > LIMITS.maxCountMax) {
        throw badRequest(`MeetingFeatures.Attendee.MaxCount must be at most ${LIMITS.maxCountMax}`);
      }
      features.Attendee = { MaxCount: maxCount };
    } else {
      features.Attendee = {};
    }
  }

  const highResolution = features.Video?.MaxResolution === 'FHD' || features.Content?.MaxResolution === 'UHD';
  if (highResolution) {
    const maxCount = features.Attendee?.MaxCount;
    if (maxCount === undefined) {
      throw badRequest('MeetingFeatures.Attendee.MaxCount is required with FHD video or UHD content');
    }
    if (maxCount > LIMITS.highResolutionMaxCount) {
      throw badRequest(
        `MeetingFeatures.Attendee.MaxCount must be at most ${LIMITS.highResolutionMaxCount} with FHD video or UHD content`,
      );
    }
  }
  return features;
}

function parseNotifications(value: unknown): NotificationsConfiguration {
  if (!isRecord(value)) throw badRequest('NotificationsConfiguration must be an object');
  const config: NotificationsConfiguration = {};
  for (const field of ['LambdaFunctionArn', 'SnsTopicArn', 'SqsQueueArn'] as const) {
    const arn = value[field];
    if (arn === undefined || arn === null) continue;
    if (typeof arn !== 'string') throw badRequest(`NotificationsConfiguration.${field} must be a string`);
    requireValid(lengthError(`NotificationsConfiguration.${field}`, arn, 1, 1024));
    if (!ARN_PATTERN.test(arn)) throw badRequest(`NotificationsConfiguration.${field} must be an ARN`);
    config[field] = arn;
  }
  return config;
}

function parseTenantIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 5) {
    throw badRequest('TenantIds must be a list of 1 to 5 items');
  }
  return value.map((tenantId, index) => {
    if (typeof tenantId !== 'string') throw badRequest(`TenantIds[${index}] must be a string`);
    requireValid(lengthError(`TenantIds[${index}]`, tenantId, 2, 256));
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw badRequest(`TenantIds[${index}] must match ^(?!.*?(.)\\1{3})[-_!@#$a-zA-Z0-9]*$`);
    }
    return tenantId;
  });
}

function parseTags(value: unknown): Tag[] {
  if (!Array.isArray(value) || value.length > 50) throw badRequest('Tags must be a list of at most 50 tags');
  return value.map((tag, index) => {
    if (!isRecord(tag) || typeof tag.Key !== 'string' || typeof tag.Value !== 'string') {
      throw badRequest(`Tags[${index}] must have a string Key and a string Value`);
    }
    requireValid(lengthError(`Tags[${index}].Key`, tag.Key, 1, 128));
    requireValid(lengthError(`Tags[${index}].Value`, tag.Value, 0, 256));
    if (!TAG_KEY_PATTERN.test(tag.Key)) {
      throw badRequest(`Tags[${index}].Key has characters that are not allowed`);
    }
    if (!TAG_VALUE_PATTERN.test(tag.Value)) {
      throw badRequest(`Tags[${index}].Value has characters that are not allowed`);
    }
    return { Key: tag.Key, Value: tag.Value };
  });
}

/** CreateMeeting (and the meeting half of CreateMeetingWithAttendees). Unknown members are ignored. */
export function parseCreateMeeting(body: unknown): CreateMeetingRequest {
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object');

  const token = body.ClientRequestToken;
  if (typeof token !== 'string') throw badRequest('ClientRequestToken is required');
  requireValid(lengthError('ClientRequestToken', token, 2, 64));
  if (!CLIENT_REQUEST_TOKEN_PATTERN.test(token)) {
    throw badRequest('ClientRequestToken must match the pattern [-_a-zA-Z0-9]*');
  }

  const region = body.MediaRegion;
  if (typeof region !== 'string') throw badRequest('MediaRegion is required');
  if (!MEDIA_REGIONS.has(region)) {
    throw badRequest(`MediaRegion must be one of ${[...MEDIA_REGIONS].join(', ')}`);
  }

  requireValid(externalIdError('ExternalMeetingId', body.ExternalMeetingId));
  const request: CreateMeetingRequest = {
    ClientRequestToken: token,
    MediaRegion: region,
    ExternalMeetingId: body.ExternalMeetingId as string,
  };

  if (body.MeetingHostId !== undefined && body.MeetingHostId !== null) {
    requireValid(externalIdError('MeetingHostId', body.MeetingHostId));
    request.MeetingHostId = body.MeetingHostId as string;
  }
  if (body.PrimaryMeetingId !== undefined && body.PrimaryMeetingId !== null) {
    if (typeof body.PrimaryMeetingId !== 'string') throw badRequest('PrimaryMeetingId must be a string');
    requireValid(lengthError('PrimaryMeetingId', body.PrimaryMeetingId, 2, 64));
    request.PrimaryMeetingId = body.PrimaryMeetingId;
  }
  if (body.MeetingFeatures !== undefined && body.MeetingFeatures !== null) {
    request.MeetingFeatures = parseMeetingFeatures(body.MeetingFeatures);
  }
  if (body.NotificationsConfiguration !== undefined && body.NotificationsConfiguration !== null) {
    request.NotificationsConfiguration = parseNotifications(body.NotificationsConfiguration);
  }
  if (body.TenantIds !== undefined && body.TenantIds !== null) {
    request.TenantIds = parseTenantIds(body.TenantIds);
  }
  if (body.Tags !== undefined && body.Tags !== null) request.Tags = parseTags(body.Tags);
  const networkType = body.MediaPlacementNetworkType;
  if (networkType !== undefined && networkType !== null) {
    if (networkType !== 'DualStack' && networkType !== 'Ipv4Only') {
      throw badRequest('MediaPlacementNetworkType must be one of DualStack, Ipv4Only');
    }
    request.MediaPlacementNetworkType = networkType;
  }
  return request;
}

/** ListAttendees query: `max-results` 1–100, `next-token` opaque. */
export function parseListQuery(query: URLSearchParams): { maxResults?: number; nextToken?: string } {
  const result: { maxResults?: number; nextToken?: string } = {};
  const rawMax = query.get('max-results');
  if (rawMax !== null) {
    const maxResults = Number(rawMax);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.listAttendeesMaxResults) {
      throw badRequest(`max-results must be an integer between 1 and ${LIMITS.listAttendeesMaxResults}`);
    }
    result.maxResults = maxResults;
  }
  const nextToken = query.get('next-token');
  if (nextToken !== null && nextToken !== '') result.nextToken = nextToken;
  return result;
}

/** BatchUpdateAttendeeCapabilitiesExcept body. */
export function parseBatchUpdateExcept(body: unknown): {
  excludedAttendeeIds: string[];
  capabilities: AttendeeCapabilities;
} {
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object');
  const excluded = body.ExcludedAttendeeIds;
  if (!Array.isArray(excluded) || excluded.length < 1 || excluded.length > LIMITS.excludedAttendeeIdsMax) {
    throw badRequest(`ExcludedAttendeeIds must contain between 1 and ${LIMITS.excludedAttendeeIdsMax} items`);
  }
  const excludedAttendeeIds = excluded.map((item, index) => {
    if (!isRecord(item) || typeof item.AttendeeId !== 'string' || !isGuid(item.AttendeeId)) {
      throw badRequest(`ExcludedAttendeeIds[${index}].AttendeeId must be an attendee id`);
    }
    return item.AttendeeId;
  });
  const capabilities = parseCapabilities(body.Capabilities);
  requireValid(contentWithoutVideoError(capabilities));
  return { excludedAttendeeIds, capabilities };
}
