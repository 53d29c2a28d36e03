/**
 * The meeting session, with amazon-chime-sdk-js, loaded only when a delegate joins where meetings have
 * media (a chunk of its own: the SDK is large). The credentials stay in this module's memory: the
 * JoinToken is never shown, stored or logged (the SDK's logger is kept at errors only, and the SDK's
 * MeetingSessionCredentials redacts it from JSON).
 *
 * A participant who may speak chooses the microphone at the join (the browser asks for it then, not when
 * the floor is given) and starts muted and locked, unless Chime already lets them send; the floor page
 * opens it through `speakerSession()` when the floor is theirs (speaking.ts).
 */
import {
  ConsoleLogger,
  DefaultDeviceController,
  DefaultMeetingSession,
  LogLevel,
  MeetingSessionConfiguration,
  MeetingSessionCredentials,
} from 'amazon-chime-sdk-js';
import type { Schemas } from './api/client.ts';
import type { PrimaryAttendee, SpeakerSession } from './speaking.ts';

let current: { session: DefaultMeetingSession; joined: Schemas['JoinCredentials'] } | null = null;

export async function startMeetingSession(joined: Schemas['JoinCredentials']): Promise<void> {
  current?.session.audioVideo.stop();
  current = null;
  const logger = new ConsoleLogger('floorpass', LogLevel.ERROR);
  const configuration = new MeetingSessionConfiguration(
    { Meeting: joined.meeting },
    { Attendee: joined.attendee },
  );
  const session = new DefaultMeetingSession(configuration, logger, new DefaultDeviceController(logger));
  const { audioVideo } = session;
  const audio = document.createElement('audio');
  audio.hidden = true;
  document.body.append(audio);
  await audioVideo.bindAudioElement(audio);
  if (joined.maySpeak) {
    const [microphone] = await audioVideo.listAudioInputDevices();
    if (microphone) await audioVideo.startAudioInput(microphone.deviceId);
  }
  if (joined.capabilities.Audio !== 'SendReceive') {
    audioVideo.realtimeMuteLocalAudio();
    audioVideo.realtimeSetCanUnmuteLocalAudio(false);
  }
  audioVideo.start();
  current = { session, joined };
}

/** The running meeting session as the floor needs it, or null when this browser has not joined. */
export function speakerSession(sessionId: string): SpeakerSession | null {
  if (!current || current.joined.session.id !== sessionId) return null;
  const { audioVideo } = current.session;
  return {
    meetingRole: current.joined.meetingRole,
    async openMicrophone() {
      audioVideo.realtimeSetCanUnmuteLocalAudio(true);
      if (!audioVideo.realtimeUnmuteLocalAudio()) throw new Error('the microphone could not be unmuted');
    },
    closeMicrophone() {
      audioVideo.realtimeMuteLocalAudio();
      audioVideo.realtimeSetCanUnmuteLocalAudio(false);
    },
    async promote(attendee: PrimaryAttendee) {
      const credentials = new MeetingSessionCredentials();
      credentials.attendeeId = attendee.AttendeeId;
      credentials.joinToken = attendee.JoinToken;
      credentials.externalUserId = null;
      const status = await audioVideo.promoteToPrimaryMeeting(credentials);
      return !status.isFailure();
    },
    demoteFromPrimary() {
      audioVideo.demoteFromPrimaryMeeting();
    },
  };
}
