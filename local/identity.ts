/**
 * The local identity issuer: signs RS256 JWTs for personas (or any email) and verifies them the way the
 * HTTP API's JWT authorizer does — signature, issuer, audience, expiry. Local only; never deployed.
 */
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks(): Promise<{ keys: unknown[] }>;
  /**
   * `expiresIn`: a lifetime in seconds (0 gives a token that has already expired), or a jose span ('8h').
   * `claims`: more claims (an OIDC `nonce`, for the console's sign-in test's provider).
   */
  issue(
    email: string,
    options?: { groups?: string[]; expiresIn?: number | string; claims?: Record<string, unknown> },
  ): Promise<string>;
  /** The verified claims, or null for a token the authorizer would reject. */
  verify(token: string): Promise<JWTPayload | null>;
}

export async function createLocalIssuer(options: {
  issuer: string;
  audience?: string;
  organizers: string[];
}): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const audience = options.audience ?? 'floorpass-local';
  const kid = 'floorpass-local-1';
  return {
    issuer: options.issuer,
    audience,
    async jwks() {
      return { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
    },
    async issue(email, { groups, expiresIn = '8h', claims = {} } = {}) {
      const normalized = email.trim().toLowerCase();
      return new SignJWT({
        ...claims,
        email: normalized,
        email_verified: true,
        'cognito:groups': groups ?? (options.organizers.includes(normalized) ? ['organizers'] : []),
        token_use: 'id',
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject(createHash('sha256').update(normalized).digest('hex').slice(0, 32))
        .setIssuer(options.issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(
          typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn,
        )
        .sign(privateKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: options.issuer,
          audience,
          algorithms: ['RS256'],
        });
        return payload;
      } catch {
        return null;
      }
    },
  };
}

/** Claims as API Gateway hands them to a function: strings, arrays as "[a b]". */
export function toApiGatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
}
