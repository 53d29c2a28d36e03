/**
 * The meeting session, with amazon-chime-sdk-js, loaded only when a delegate joins where meetings have
 * media (a chunk of its own: the SDK is large). The credentials stay in this module's memory: the
 * JoinToken is never shown, stored or logged (the SDK's logger is kept at errors only).
 */
import {
  ConsoleLogger,
  DefaultDeviceController,
  DefaultMeetingSession,
  LogLevel,
  MeetingSessionConfiguration,
} from 'amazon-chime-sdk-js';
import type { Schemas } from './api/client.ts';

let current: DefaultMeetingSession | null = null;

export async function startMeetingSession(joined: Schemas['JoinCredentials']): Promise<void> {
  current?.audioVideo.stop();
  const logger = new ConsoleLogger('floorpass', LogLevel.ERROR);
  const configuration = new MeetingSessionConfiguration(
    { Meeting: joined.meeting },
    { Attendee: joined.attendee },
  );
  const session = new DefaultMeetingSession(configuration, logger, new DefaultDeviceController(logger));
  const audio = document.createElement('audio');
  audio.hidden = true;
  document.body.append(audio);
  await session.audioVideo.bindAudioElement(audio);
  session.audioVideo.start();
  current = session;
}
