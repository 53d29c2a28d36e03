import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. It is given facts (route, status, codes, ids), never request bodies, headers, join
 * tokens or JWTs (test/integration/no-secrets-in-logs.test.ts checks the lines).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'floorpass' });
