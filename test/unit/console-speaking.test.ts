import { describe, expect, it } from 'vitest';
import {
  closeFloor,
  type FloorCredentials,
  openFloor,
  type PrimaryAttendee,
  type SpeakerSession,
} from '../../console/src/speaking.ts';

/** A meeting session that records what the floor asked of it, as amazon-chime-sdk-js would be asked. */
function fakeSession(
  meetingRole: 'primary' | 'replica',
  behaviour: { promotes?: boolean; microphone?: boolean } = {},
) {
  const calls: string[] = [];
  const session: SpeakerSession = {
    meetingRole,
    async openMicrophone() {
      calls.push('open');
      if (behaviour.microphone === false) throw new Error('NotAllowedError');
    },
    closeMicrophone() {
      calls.push('close');
    },
    async promote(attendee: PrimaryAttendee) {
      calls.push(`promote ${attendee.AttendeeId}`);
      return behaviour.promotes ?? true;
    },
    demoteFromPrimary() {
      calls.push('demote');
    },
  };
  return { session, calls };
}

const promoteTo = (attendeeId: string): FloorCredentials => ({
  promote: true,
  primaryMeetingId: 'm-primary',
  meeting: { MeetingId: 'm-primary' },
  attendee: {
    AttendeeId: attendeeId,
    JoinToken: 'secret',
    Capabilities: { Audio: 'SendReceive', Video: 'None', Content: 'None' },
  },
});

describe('Console: the holder’s microphone follows the floor', () => {
  it('opens the microphone of a holder in the primary meeting without asking for credentials', async () => {
    // Prepare
    const { session, calls } = fakeSession('primary');
    let asked = 0;
    // Act
    const state = await openFloor({
      session,
      media: true,
      credentials: async () => {
        asked++;
        return promoteTo('never');
      },
    });
    // Assess
    expect(state).toEqual({ state: 'open', promoted: false });
    expect(asked).toBe(0);
    expect(calls).toEqual(['open']);
  });

  it('promotes a holder in a replica into the primary first, then opens, and at the end closes and demotes', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica');
    // Act
    const opened = await openFloor({ session, media: true, credentials: async () => promoteTo('a-primary') });
    const closed = closeFloor(session, opened);
    // Assess
    expect(opened).toEqual({ state: 'open', promoted: true });
    expect(closed).toEqual({ state: 'closed' });
    expect(calls).toEqual(['promote a-primary', 'open', 'close', 'demote']);
  });

  it('does not promote a replica holder the API says already sits in the primary', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica');
    // Act
    const state = await openFloor({
      session,
      media: true,
      credentials: async () => ({ promote: false, primaryMeetingId: 'm-primary', reason: 'in the primary' }),
    });
    closeFloor(session, state);
    // Assess
    expect(state).toEqual({ state: 'open', promoted: false });
    expect(calls).toEqual(['open', 'close']);
  });

  it('leaves the microphone closed when the promotion is refused, and says why', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica', { promotes: false });
    // Act
    const state = await openFloor({ session, media: true, credentials: async () => promoteTo('a-primary') });
    // Assess
    expect(state).toEqual({ state: 'failed', code: 'PROMOTION_FAILED' });
    expect(calls).toEqual(['promote a-primary']);
  });

  it('keeps the API’s error code when the credentials are refused (the floor ended meanwhile)', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica');
    // Act
    const state = await openFloor({
      session,
      media: true,
      credentials: async () => {
        throw Object.assign(new Error('409'), { code: 'NO_FLOOR_HOLDER' });
      },
    });
    // Assess
    expect(state).toEqual({ state: 'failed', code: 'NO_FLOOR_HOLDER' });
    expect(calls).toEqual([]);
  });

  it('demotes again when the browser refuses the microphone after a promotion', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica', { microphone: false });
    // Act
    const state = await openFloor({ session, media: true, credentials: async () => promoteTo('a-primary') });
    // Assess
    expect(state).toEqual({ state: 'failed', code: 'MICROPHONE_UNAVAILABLE' });
    expect(calls).toEqual(['promote a-primary', 'open', 'demote']);
  });

  it('says there is no media (the local emulator) or no meeting joined, and touches nothing', async () => {
    // Prepare
    const { session, calls } = fakeSession('replica');
    const credentials = async () => promoteTo('a-primary');
    // Act
    const noMedia = await openFloor({ session, media: false, credentials });
    const notJoined = await openFloor({ session: null, media: true, credentials });
    // Assess
    expect(noMedia).toEqual({ state: 'no-media' });
    expect(notJoined).toEqual({ state: 'not-joined' });
    expect(calls).toEqual([]);
    expect(closeFloor(session, noMedia)).toEqual({ state: 'closed' });
    expect(calls).toEqual([]);
  });
});
