import { describe, expect, it } from 'vitest';
import {
  AccessInitVersionInputSchema,
  AccessInitVersionRequestSchema,
  AccessInitVersionUploadRequestSchema,
  AccessWorkSchema,
} from './access';
import { AccessCodeSchema } from './common';

const hash = (byte: string) => `0x${byte.repeat(32)}`;
const creator = { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: { composer: true } };

describe('the {code} of the routes', () => {
  it('is atc_ + 64 hex in any case, normalised to lowercase', () => {
    const code = `atc_${'7e'.repeat(32)}`;
    expect(AccessCodeSchema.parse(`ATC_${'7E'.repeat(32)}`)).toBe(code);
    expect(AccessCodeSchema.safeParse('atc_123').success).toBe(false);
  });
});

describe('access-code routes (§9)', () => {
  it('GET /v1/access/{code}/work reads the work with creators in read form', () => {
    const work = AccessWorkSchema.parse({
      ats_id: 1024,
      title: 'Moonlight',
      network: 'testnet',
      owner_address: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
      latest_version: 2,
      latest_commitment: hash('c2'),
      created_at: '2026-04-30T11:00:26.000Z',
      asset_filename: 'moonlight.wav',
      creators: [{ ...creator, roles: ['Composer'], ipi: null, isni: null }],
      unknown: 'ignored',
    });
    expect(work.creators[0]?.roles).toEqual(['composer']);
    expect(work.work_id).toBeNull();
    expect(work).not.toHaveProperty('unknown');
  });

  it('version init bodies take creators, an optional network, and a filename for init-upload', () => {
    expect(AccessInitVersionRequestSchema.parse({ creators: [creator] })).toEqual({
      creators: [creator],
    });
    expect(
      AccessInitVersionRequestSchema.safeParse({ creators: [creator], network: 'testnet' }).success,
    ).toBe(true);
    expect(
      AccessInitVersionRequestSchema.safeParse({ creators: [creator], external_user_ref: 'u' })
        .success,
    ).toBe(false);
    expect(
      AccessInitVersionUploadRequestSchema.safeParse({ creators: [creator], filename: 'v2.wav' })
        .success,
    ).toBe(true);
    expect(AccessInitVersionUploadRequestSchema.safeParse({ creators: [creator] }).success).toBe(
      false,
    );
    expect(
      AccessInitVersionInputSchema.parse({ creators: [{ ...creator, roles: ['author'] }] })
        .creators[0]?.roles.author,
    ).toBe(true);
  });
});
