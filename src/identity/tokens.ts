import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../platform/config.js';
import { UnauthorizedError } from '../platform/errors.js';

const ISSUER = 'gongxiang';
const AUDIENCE = 'gongxiang-api';

export interface TokenClaims {
  userId: string;
}

/**
 * Bearer tokens: HS256 JWTs naming their key id (`kid`). The first configured key signs; every
 * configured key verifies, so keys rotate without signing anyone out. Tokens carry only the
 * user id — roles and department are read fresh on each request, so a change applies at once.
 * A city SSO (OIDC) plugs in by verifying its ID token here instead and mapping its subject to a
 * user (see README, Identity).
 */
export function createTokenService(settings: Config['tokens']) {
  const [signing] = settings.signingKeys;
  if (!signing) throw new Error('no signing key configured');
  // Imported once as HMAC keys: jose imports a raw secret again on every call, which showed in
  // the API's profile of every authenticated request.
  const hmacKey = (secret: Buffer | Uint8Array, usage: 'sign' | 'verify') =>
    crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
  const byKid = new Map(settings.signingKeys.map((k) => [k.kid, hmacKey(k.secret, 'verify')]));
  const signingKey = hmacKey(signing.secret, 'sign');

  return {
    ttlSeconds: settings.ttlSeconds,

    async issue(claims: TokenClaims, now: Date): Promise<{ token: string; expiresAt: Date }> {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = new Date((issuedAt + settings.ttlSeconds) * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: signing.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + settings.ttlSeconds)
        .sign(await signingKey);
      return { token, expiresAt };
    },

    async verify(token: string, now: Date): Promise<TokenClaims> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(
          token,
          (header) => {
            const key = header.kid === undefined ? undefined : byKid.get(header.kid);
            if (!key) throw new UnauthorizedError('unknown_signing_key', 'The token was signed with a key this platform does not know');
            return key;
          },
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: now },
        ));
      } catch (error) {
        if (error instanceof UnauthorizedError) throw error;
        if (error instanceof errors.JWTExpired) throw new UnauthorizedError('token_expired', 'The token has expired; sign in again');
        throw new UnauthorizedError('invalid_token', 'The bearer token is not valid');
      }
      if (!payload.sub) throw new UnauthorizedError('invalid_token', 'The bearer token names no user');
      return { userId: payload.sub };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
