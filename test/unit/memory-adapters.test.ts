import { createMemoryMeetingProvider } from '#adapters/memory/meetings.ts';
import {
  createMemoryAttendeeRepository,
  createMemoryMeetingRegistry,
  createMemoryParticipantRepository,
} from '#adapters/memory/repositories.ts';
import { describeMeetingProviderContract } from '../contracts/meetings.ts';
import { describeRepositoryContract } from '../contracts/repositories.ts';

// The in-memory fakes keep the same contract as the DynamoDB adapters (see dynamodb-adapters.test.ts).
describeRepositoryContract('in memory', async () => {
  const participants = createMemoryParticipantRepository();
  return {
    participants,
    registry: createMemoryMeetingRegistry(),
    attendees: createMemoryAttendeeRepository(participants),
    addParticipant: async (p) => participants.saveImport([p], []),
  };
});

describeMeetingProviderContract('in memory', async () => {
  const meetings = createMemoryMeetingProvider({ maxRecords: 3 });
  return { meetings, maxRecords: 3, end: async (id) => meetings.end(id) };
});
