import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableSchema } from '#adapters/dynamodb/table-schema.ts';

/**
 * The event's records: one DynamoDB table per event, keyed as shared/adapters/dynamodb/table-schema.ts
 * says (the repositories and the local launcher read the same file). Stateful and kept: a destroyed
 * stack leaves the table, its point-in-time backups and its deletion protection in place.
 */
export class EventData extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      // A conference is idle for months and then takes a join stampede in one minute: on-demand.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // AWS owned key: encrypted at rest with no KMS call on the join path (no added latency, no KMS
      // request quota to share with a stampede) and no key whose loss would lose the records. Switch to
      // TableEncryption.CUSTOMER_MANAGED if the secretariat needs key-use audit or crypto-shredding.
      encryption: TableEncryption.DEFAULT,
      timeToLiveAttribute: tableSchema.ttlAttribute,
      // The verifiable record is chained from the table's changes (docs/record.md): new and old images,
      // so that a removal, which only tampering makes of an insert-only record, is on record with its type.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });

    for (const [indexName, keys] of Object.entries(tableSchema.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: AttributeType.STRING },
        // The repositories map whole items read through the indexes.
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
