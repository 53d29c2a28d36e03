import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableSchema } from '#adapters/dynamodb/table-schema.ts';

/**
 * Creates the event table as the CDK stack defines it (same keys, indexes and stream), waits for it, and
 * returns its stream's ARN.
 */
export async function createEventTable(
  client: DynamoDBClient,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<string | null> {
  const { indexes } = tableSchema;
  const attributes = [
    tableSchema.partitionKey,
    tableSchema.sortKey,
    ...Object.values(indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      // The record's chainer reads it (docs/record.md), as in the stack (infra/constructs/data.ts). Only
      // where the record is chained: DynamoDB Local, shared by every test file's table, slows down with a
      // stream on each of them.
      ...(options.stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } }
        : {}),
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Object.entries(indexes).map(([name, i]) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table.LatestStreamArn ?? null;
    await new Promise((r) => setTimeout(r, 100));
  }
}
