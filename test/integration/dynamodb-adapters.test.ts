import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChimeClient, createChimeMeetingProvider } from '#adapters/chime/chime-meeting-provider.ts';
import { createAttendeeRepository } from '#adapters/dynamodb/attendee-repository.ts';
import { createDocumentClient, type TableContext } from '#adapters/dynamodb/client.ts';
import { keys } from '#adapters/dynamodb/keys.ts';
import { createMeetingRegistry } from '#adapters/dynamodb/meeting-registry.ts';
import { createParticipantRepository } from '#adapters/dynamodb/participant-repository.ts';
import { type ChimeEmulator, startChimeEmulator } from '../../local/chime-emulator/server.ts';
import { createEventTable } from '../../local/table.ts';
import { describeMeetingProviderContract } from '../contracts/meetings.ts';
import { describeRepositoryContract } from '../contracts/repositories.ts';
import { createParticipant } from '../fixtures/factories.ts';

// The DynamoDB adapters on DynamoDB Local, and the Chime adapter on the emulator through the real SDK
// client: the contracts the in-memory fakes are held to as well.
let table: TableContext;
let emulator: ChimeEmulator;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `contract-${randomUUID()}`;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  await createEventTable(client, tableName);
  client.destroy();
  table = { tableName, doc: createDocumentClient({ endpoint, region: 'us-east-1', credentials }) };
  emulator = await startChimeEmulator({ rateLimit: false, maxAttendeesPerMeeting: 3 });
});
afterAll(async () => {
  await emulator?.close();
});

describeRepositoryContract('DynamoDB Local', async () => {
  const participants = createParticipantRepository(table);
  return {
    participants,
    registry: createMeetingRegistry(table),
    attendees: createAttendeeRepository(table),
    addParticipant: async (p) => participants.saveImport([p], []),
  };
});

describe('ParticipantRepository.update on DynamoDB Local', () => {
  it('refuses an email change whose old email no longer links to the participant (a change raced it): 409, nothing written', async () => {
    const participants = createParticipantRepository(table);
    const p = createParticipant({ id: 'p_racedemail000000000', email: 'raced.before@example.org' });
    await participants.saveImport([p], []);
    // Another change moved the participant's email meanwhile: the old link now points elsewhere.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...keys.email('raced.before@example.org'), participantId: 'p_someoneelse00000000' },
      }),
    );
    const attempt = participants.update(
      { ...p, email: 'raced.after@example.org' },
      'raced.before@example.org',
    );
    await expect(attempt).rejects.toMatchObject({ code: 'PARTICIPANT_CHANGED' });
    expect(await participants.findByEmail('raced.after@example.org')).toBeNull();
    expect((await participants.get(p.id))?.email).toBe('raced.before@example.org');
  });
});

describeMeetingProviderContract('Chime adapter on the emulator', async () => {
  const meetings = createChimeMeetingProvider({
    client: createChimeClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    mediaRegion: 'us-east-1',
  });
  // Ending a meeting as Chime does on its own: the primary's end takes its replicas.
  return { meetings, maxRecords: 3, end: (id) => meetings.deleteMeeting(id) };
});
