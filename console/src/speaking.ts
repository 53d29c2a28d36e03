/**
 * The holder's microphone, in the browser. The server decides who may be heard: when the floor is given
 * it sets the holder's Chime attendee to send audio, and at the cut it sets it back to receive only
 * (docs/floor.md, "The microphone on Chime"). amazon-chime-sdk-js is told nothing of that, so the page
 * follows the floor itself:
 *
 * - given the floor: a holder sitting in a replica meeting (which the room does not hear) first fetches an
 *   attendee in the primary (`POST …/floor/credentials`) and promotes itself into it; then the page
 *   allows and opens the local microphone;
 * - the floor ends (cut, ended, withdrawn): the microphone is closed and locked, and a promoted holder is
 *   demoted back to its replica.
 *
 * This module has no dependency on the SDK (it is tested with a fake session, and the SDK is a lazy chunk
 * of its own: meeting.ts adapts its facade to `SpeakerSession`).
 */
import type { components } from './api/schema.d.ts';

/** A narrow view of the meeting session, as the floor needs it. */
export interface SpeakerSession {
  /** Where the join placed this attendee: the room hears only the primary. */
  readonly meetingRole: 'primary' | 'replica';
  /** Allow unmuting and unmute the local microphone (the device was chosen at join). */
  openMicrophone(): Promise<void>;
  /** Mute and lock the local microphone. */
  closeMicrophone(): void;
  /** promoteToPrimaryMeeting with an attendee in the primary; false when Chime refused it. */
  promote(attendee: PrimaryAttendee): Promise<boolean>;
  demoteFromPrimary(): void;
}

/** The answer of `POST /sessions/{id}/floor/credentials`, as the OpenAPI document describes it. */
export type FloorCredentials = components['schemas']['FloorCredentials'];
export type PrimaryAttendee = Extract<FloorCredentials, { promote: true }>['attendee'];

/**
 * What the page says of the holder's microphone:
 * - `open`: the SDK's microphone is unmuted (in the primary meeting);
 * - `no-media`: the floor is the holder's, but this deployment has no media (the local emulator);
 * - `not-joined`: the holder has not joined the meeting in this browser;
 * - `failed`: the promotion or the microphone failed (the code says why);
 * - `closed`: not holding the floor.
 */
export type MicrophoneState =
  | { state: 'closed' }
  | { state: 'opening' }
  | { state: 'open'; promoted: boolean }
  | { state: 'no-media' }
  | { state: 'not-joined' }
  | { state: 'failed'; code: string };

export interface OpenFloorInput {
  /** null where this browser has no meeting session. */
  session: SpeakerSession | null;
  /** Whether meetings have media here (false against the local emulator). */
  media: boolean;
  credentials: () => Promise<FloorCredentials>;
}

/** The floor was given to this participant: promote where needed, then open the microphone. */
export async function openFloor(input: OpenFloorInput): Promise<MicrophoneState> {
  if (!input.media) return { state: 'no-media' };
  const { session } = input;
  if (!session) return { state: 'not-joined' };
  let promoted = false;
  if (session.meetingRole === 'replica') {
    let answer: FloorCredentials;
    try {
      answer = await input.credentials();
    } catch (error) {
      return { state: 'failed', code: codeOf(error) };
    }
    if (answer.promote) {
      if (!(await session.promote(answer.attendee))) return { state: 'failed', code: 'PROMOTION_FAILED' };
      promoted = true;
    }
  }
  try {
    await session.openMicrophone();
  } catch {
    if (promoted) session.demoteFromPrimary();
    return { state: 'failed', code: 'MICROPHONE_UNAVAILABLE' };
  }
  return { state: 'open', promoted };
}

/** The floor is no longer this participant's: close the microphone, and leave the primary if promoted. */
export function closeFloor(session: SpeakerSession | null, current: MicrophoneState): MicrophoneState {
  if (session && current.state === 'open') {
    session.closeMicrophone();
    if (current.promoted) session.demoteFromPrimary();
  }
  return { state: 'closed' };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'MEETING_UNAVAILABLE';
}
