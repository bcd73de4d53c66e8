import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import {
  CreateSessionRequestSchema,
  CreateSessionResponseSchema,
  SESSION_ACTION_TYPES,
  SessionTokenClaimsSchema,
} from './sessions';

const SECRET = `csk_${'5e'.repeat(16)}`;

describe('POST /v1/sessions body (§11)', () => {
  it('accepts each action type with the required fields', () => {
    for (const action_type of SESSION_ACTION_TYPES) {
      const body = { secret_key: SECRET, action_type, allowed_network: 'testnet' };
      expect(CreateSessionRequestSchema.parse(body)).toEqual(body);
    }
  });

  it('accepts the optional pins', () => {
    const body = {
      secret_key: SECRET,
      action_type: 'update_version',
      allowed_network: 'mainnet',
      allowed_ats_id: 7,
      external_user_ref: 'user-42',
      max_file_size_bytes: 20_000_000,
    };
    expect(CreateSessionRequestSchema.parse(body)).toEqual(body);
  });

  it('refuses allowed_ats_id with register, bad values and unknown fields', () => {
    const result = CreateSessionRequestSchema.safeParse({
      secret_key: 'sk_live',
      action_type: 'upload',
      allowed_network: 'devnet',
      max_file_size_bytes: 0,
      external_user_ref: 'é'.repeat(128),
      origin: 'x',
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(toFieldErrors(result.error).map(({ path, code }) => `${path}:${code}`)).toEqual([
        'secret_key:invalid_format',
        'action_type:invalid_value',
        'allowed_network:invalid_value',
        'external_user_ref:too_long',
        'max_file_size_bytes:invalid_value',
        'origin:invalid_value',
      ]);
    }
    const pinned = CreateSessionRequestSchema.safeParse({
      secret_key: SECRET,
      action_type: 'register',
      allowed_network: 'testnet',
      allowed_ats_id: 7,
    });
    expect(pinned.success).toBe(false);
    if (!pinned.success) {
      expect(toFieldErrors(pinned.error)).toEqual([
        {
          path: 'allowed_ats_id',
          code: 'invalid_value',
          message:
            'allowed_ats_id: must be omitted with action_type "register" (a registration has no work yet)',
        },
      ]);
    }
  });
});

describe('POST /v1/sessions answer', () => {
  it('parses the example of api.md and ignores unknown fields', () => {
    expect(
      CreateSessionResponseSchema.parse({
        token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
        expires_in: 300,
        kid: 1,
      }),
    ).toEqual({
      token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
      expires_in: 300,
    });
  });
});

describe('sandbox session token claims', () => {
  it('parses the claims; optional pins default to null', () => {
    const claims = SessionTokenClaimsSchema.parse({
      jti: 'j1',
      iat: 1777546800,
      exp: 1777547100,
      org: '8d6f7a2c-1b3e-4c5d-9e8f-0a1b2c3d4e5f',
      site_key_hash: 'ab'.repeat(32),
      action_type: 'access',
      allowed_network: 'testnet',
    });
    expect(claims).toMatchObject({
      allowed_ats_id: null,
      external_user_ref: null,
      max_file_size_bytes: null,
    });
  });
});
