// Widget session tokens (api.md §3.3, §11): HS256 JWTs signed with a sandbox secret. Clients never
// decode them; only the sandbox mints and checks them. Times are virtual (the sandbox clock).
import { createHash, randomUUID } from 'node:crypto';
import {
  SESSION_TOKEN_TTL_SECONDS,
  type SessionTokenClaims,
  SessionTokenClaimsSchema,
  type SessionTokenClaimsWire,
} from '@ats-kit/core';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** The HMAC key of session tokens: text (UTF-8) or raw bytes. */
export type SessionTokenSecret = string | Uint8Array;

/** Claims a caller chooses; `jti`, `iat` and `exp` are set by `mintSessionToken`. */
export type SessionTokenClaimsInput = Omit<SessionTokenClaimsWire, 'jti' | 'iat' | 'exp'>;

/** Why a token was refused: not a JWT of ours, signed with another key, or past `exp`. */
export type SessionTokenFailure = 'malformed' | 'bad_signature' | 'expired';

/** Outcome of `verifySessionToken`. */
export type SessionTokenVerification =
  | { ok: true; claims: SessionTokenClaims }
  | { ok: false; reason: SessionTokenFailure };

const ALGORITHM = 'HS256';

/**
 * Hex SHA-256 of a site key, the token's `site_key_hash` claim: the token names its site without
 * carrying the key itself.
 *
 * @example
 * siteKeyHash('cpk_0123…'); // '5f1d…' (64 hex)
 */
export function siteKeyHash(siteKey: string): string {
  return createHash('sha256').update(siteKey, 'utf8').digest('hex');
}

/**
 * Signs a session token valid for 300 s of virtual time from `now` (epoch ms): `iat` is `now` in
 * whole seconds and `exp` = `iat` + 300. A fresh random `jti` identifies the token for single-use
 * binding. Optional claims that are `null` or absent are left out of the token.
 *
 * @example
 * const { token, claims } = await mintSessionToken({
 *   secret, now: clock.now(),
 *   claims: { org, site_key_hash: siteKeyHash(siteKey), action_type: 'register', allowed_network: 'testnet' },
 * });
 */
export async function mintSessionToken(options: {
  secret: SessionTokenSecret;
  claims: SessionTokenClaimsInput;
  now: number;
}): Promise<{ token: string; claims: SessionTokenClaims; expiresIn: number }> {
  const iat = Math.floor(options.now / 1000);
  const payload: Record<string, unknown> = {
    jti: randomUUID(),
    iat,
    exp: iat + SESSION_TOKEN_TTL_SECONDS,
  };
  for (const [name, value] of Object.entries(options.claims)) {
    if (value !== null && value !== undefined) payload[name] = value;
  }
  // Validating what we sign catches a wiring mistake here rather than at every later request.
  const claims = SessionTokenClaimsSchema.parse(payload);
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .sign(keyBytes(options.secret));
  return { token, claims, expiresIn: SESSION_TOKEN_TTL_SECONDS };
}

/**
 * Checks a session token's signature, then its expiry against `now` (virtual epoch ms), then the
 * shape of its claims. A token at or past `exp` is `expired`; a token signed with another secret
 * is `bad_signature` even when also expired; anything else wrong is `malformed`.
 *
 * @example
 * const result = await verifySessionToken(bearer, { secret, now: clock.now() });
 * if (!result.ok && result.reason === 'expired') return reply(401, 'common.auth.expired');
 */
export async function verifySessionToken(
  token: string,
  options: { secret: SessionTokenSecret; now: number },
): Promise<SessionTokenVerification> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    return { ok: false, reason: 'malformed' };
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyBytes(options.secret), {
      algorithms: [ALGORITHM],
      currentDate: new Date(options.now),
      requiredClaims: ['jti', 'iat', 'exp'],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: 'bad_signature' };
    }
    return { ok: false, reason: 'malformed' };
  }
  const parsed = SessionTokenClaimsSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  return { ok: true, claims: parsed.data };
}

function keyBytes(secret: SessionTokenSecret): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}
