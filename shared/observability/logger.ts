import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. It is given facts (route, status, codes, ids), never request bodies, headers, join
 * tokens or JWTs; `redact` is the last line of defence for anything that slips through.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'floorpass' });

const SECRET_KEYS = /^(joinToken|authorization|token|jwt|idToken|accessToken|password)$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}
