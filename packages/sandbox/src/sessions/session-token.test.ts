import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintSessionToken, siteKeyHash, verifySessionToken } from './session-token';

const secret = 'sandbox-session-secret-for-tests-0123456789';
const now = Date.UTC(2026, 3, 30, 11, 0, 0, 500);
const baseClaims = {
  org: '2f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
  site_key_hash: siteKeyHash('cpk_0123456789abcdef0123456789abcdef'),
  action_type: 'register' as const,
  allowed_network: 'testnet' as const,
};

describe('siteKeyHash', () => {
  it('is the hex SHA-256 of the site key', () => {
    expect(siteKeyHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('mintSessionToken', () => {
  it('sets jti, iat = now in seconds and exp = iat + 300', async () => {
    const { token, claims, expiresIn } = await mintSessionToken({
      secret,
      claims: baseClaims,
      now,
    });
    expect(token.split('.')).toHaveLength(3);
    expect(expiresIn).toBe(300);
    expect(claims.iat).toBe(Math.floor(now / 1000));
    expect(claims.exp).toBe(claims.iat + 300);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.org).toBe(baseClaims.org);
  });

  it('gives every token its own jti', async () => {
    const a = await mintSessionToken({ secret, claims: baseClaims, now });
    const b = await mintSessionToken({ secret, claims: baseClaims, now });
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('carries optional claims when given and leaves out null ones', async () => {
    const { token } = await mintSessionToken({
      secret,
      now,
      claims: {
        ...baseClaims,
        action_type: 'update_version',
        allowed_ats_id: 7,
        external_user_ref: 'user-42',
        max_file_size_bytes: 1000,
      },
    });
    const result = await verifySessionToken(token, { secret, now });
    expect(result).toMatchObject({
      ok: true,
      claims: { allowed_ats_id: 7, external_user_ref: 'user-42', max_file_size_bytes: 1000 },
    });
    const plain = await mintSessionToken({
      secret,
      now,
      claims: { ...baseClaims, external_user_ref: null },
    });
    const payload = JSON.parse(Buffer.from(plain.token.split('.')[1]!, 'base64url').toString());
    expect(Object.keys(payload).sort()).toEqual(
      ['action_type', 'allowed_network', 'exp', 'iat', 'jti', 'org', 'site_key_hash'].sort(),
    );
  });

  it('refuses claims that do not fit the schema', async () => {
    await expect(
      mintSessionToken({ secret, now, claims: { ...baseClaims, site_key_hash: 'nope' } }),
    ).rejects.toThrow();
  });
});

describe('verifySessionToken', () => {
  it('accepts its own token until exp on the virtual clock', async () => {
    const { token, claims } = await mintSessionToken({ secret, claims: baseClaims, now });
    const result = await verifySessionToken(token, { secret, now: now + 299_000 });
    expect(result).toEqual({
      ok: true,
      claims: {
        ...claims,
        allowed_ats_id: null,
        external_user_ref: null,
        max_file_size_bytes: null,
      },
    });
  });

  it('says expired at exp and after', async () => {
    const { token, claims } = await mintSessionToken({ secret, claims: baseClaims, now });
    expect(await verifySessionToken(token, { secret, now: claims.exp * 1000 })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await verifySessionToken(token, { secret, now: now + 3_600_000 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('says bad_signature for another secret, even when also expired', async () => {
    const { token } = await mintSessionToken({ secret, claims: baseClaims, now });
    expect(await verifySessionToken(token, { secret: 'other-secret', now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      await verifySessionToken(token, { secret: 'other-secret', now: now + 3_600_000 }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('says bad_signature when the payload was altered', async () => {
    const { token } = await mintSessionToken({ secret, claims: baseClaims, now });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, org: 'someone-else' })).toString(
      'base64url',
    );
    expect(await verifySessionToken(`${header}.${forged}.${signature}`, { secret, now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('says malformed for non-JWTs, other algorithms and foreign claim sets', async () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c', 'afo_sk_live_00']) {
      expect(await verifySessionToken(token, { secret, now })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    const key = new TextEncoder().encode(secret);
    const hs512 = await new SignJWT({ ...baseClaims, jti: 'x' })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 300)
      .sign(key);
    expect(await verifySessionToken(hs512, { secret, now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
    const foreign = await new SignJWT({ sub: 'someone', jti: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 300)
      .sign(key);
    expect(await verifySessionToken(foreign, { secret, now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
