/**
 * The event table's key schema, in one place: the CDK stack, the local launcher and the repositories
 * read it from here. One table per event; every item carries `type` and `version`.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Items grouped under a parent: delegations by category, participants by delegation. */
    byGroup: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** All items of one type, in order: participants by id, audit records by time. */
    byType: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;
