/**
 * The deploy-time seeding custom resource (functions/seed-event.ts), against CloudFormation's protocol:
 * the outcome is PUT to the pre-signed response URL, every failure is reported (never left to time
 * out), and Delete leaves the records alone. DynamoDB is mocked at the client: the seeding itself is
 * covered by the use case's own tests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProgrammeFile } from '#config/programme-file.ts';
import { projectRoot } from './synth.ts';

interface Received {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const tableName = 'floorpass-seed-test';
const programme = loadProgrammeFile(`${projectRoot}events/hlc-2021.yaml`);
const context = { logStreamName: '2025/03/10/[$LATEST]abc' } as Context;

describe('Function: seed-event', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  let handler: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
  let server: Server;
  let responseUrl: string;
  let received: Received[];

  const event = (
    requestType: 'Create' | 'Update' | 'Delete',
    properties: Record<string, unknown> = { Programme: JSON.stringify(programme) },
  ) =>
    ({
      RequestType: requestType,
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:seed',
      ResponseURL: `${responseUrl}/response?signature=abc`,
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/floorpass-hlc-2021/1',
      RequestId: 'request-1',
      LogicalResourceId: 'Seed',
      ResourceType: 'Custom::FloorpassSeed',
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:seed',
        ...properties,
      },
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'Seed-programme' }),
      ...(requestType === 'Update' ? { OldResourceProperties: {} } : {}),
    }) as CloudFormationCustomResourceEvent;

  beforeAll(async () => {
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      EVENT_ID: programme.event.id,
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    ({ handler } = await import('../../functions/seed-event.ts'));
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ method: request.method, headers: request.headers, body: JSON.parse(body) });
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    dynamo.restore();
  });

  beforeEach(() => {
    received = [];
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(BatchGetCommand).resolves({ Responses: { [tableName]: [] } });
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
  });

  it('seeds the programme and the States on Create and reports SUCCESS to CloudFormation', async () => {
    // Act
    await handler(event('Create'), context);
    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: tableName,
      Item: { type: 'programme', programme: { event: { id: 'hlc-2021' } } },
    });
    expect(dynamo.commandCalls(BatchWriteCommand).length).toBeGreaterThan(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe('PUT');
    // The pre-signed URL does not sign a Content-Type: sending one would break the signature.
    expect(received[0]?.headers['content-type']).toBeUndefined();
    expect(received[0]?.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'Seed-programme',
      StackId: expect.any(String),
      RequestId: 'request-1',
      LogicalResourceId: 'Seed',
      Data: { sessions: programme.sessions.length, states: 195, statesInserted: 195 },
    });
  });

  it('seeds again on Update, keeping the physical id so CloudFormation sees no replacement', async () => {
    // Act
    await handler(event('Update'), context);
    // Assess
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Seed-programme' });
  });

  it('leaves the records alone on Delete', async () => {
    // Act
    await handler(event('Delete'), context);
    // Assess
    expect(dynamo.calls()).toHaveLength(0);
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Seed-programme' });
  });

  it('reports FAILED, naming the bad field, for a programme the schema refuses', async () => {
    // Prepare
    const bad = { ...programme, sessions: [{ ...programme.sessions[0], audience: ['Diplomats'] }] };
    // Act
    await handler(event('Create', { Programme: JSON.stringify(bad) }), context);
    // Assess
    expect(dynamo.calls()).toHaveLength(0);
    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/sessions\[0\]\.audience\[0\].*log stream/s),
    });
  });

  it('reports FAILED for the programme of another event', async () => {
    // Prepare
    const other = { ...programme, event: { ...programme.event, id: 'another-event' } };
    // Act
    await handler(event('Update', { Programme: JSON.stringify(other) }), context);
    // Assess
    expect(dynamo.calls()).toHaveLength(0);
    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('another-event'),
    });
  });
});
