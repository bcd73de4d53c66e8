import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { toFieldErrors } from './errors';
import {
  ConfirmWorkRequestSchema,
  ConfirmWorkResponseSchema,
  FilenameSchema,
  InitWorkInputSchema,
  InitWorkRequestSchema,
  InitWorkResponseSchema,
  PrepareWorkRequestSchema,
  PrepareWorkResponseSchema,
  TitleSchema,
} from './works';

const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const JOB = '0b8f3c2a-5d1e-4f6a-9b7c-2e4d6f8a0c1e';
const hash = (byte: string) => `0x${byte.repeat(32)}`;

const creator = { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: { author: true } };
const initBody = {
  network: 'mainnet',
  title: 'Moonlight',
  filename: 'moonlight.wav',
  creators: [creator],
};

function codesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : toFieldErrors(result.error).map(({ path, code }) => `${path}:${code}`);
}

describe('POST /v1/works/init body', () => {
  it('accepts a valid body, with or without external_user_ref (null = absent)', () => {
    expect(InitWorkRequestSchema.parse(initBody)).toEqual(initBody);
    expect(
      InitWorkRequestSchema.parse({ ...initBody, external_user_ref: 'user-42' }).external_user_ref,
    ).toBe('user-42');
    expect(InitWorkRequestSchema.safeParse({ ...initBody, external_user_ref: null }).success).toBe(
      true,
    );
  });

  it('refuses unknown fields (what we send is strict)', () => {
    expect(codesOf(InitWorkRequestSchema, { ...initBody, tags: ['x'] })).toEqual([
      'tags:invalid_value',
    ]);
  });

  it('requires network, title, filename and creators', () => {
    expect(codesOf(InitWorkRequestSchema, {})).toEqual([
      'network:required',
      'title:required',
      'filename:required',
      'creators:required',
    ]);
  });

  it('accepts roles as names through the input schema', () => {
    const body = InitWorkInputSchema.parse({
      ...initBody,
      creators: [{ ...creator, roles: ['composer'] }],
    });
    expect(body.creators[0]?.roles).toEqual({
      author: false,
      composer: true,
      arranger: false,
      adapter: false,
    });
    expect(InitWorkRequestSchema.safeParse(body).success).toBe(true);
  });
});

describe('title: trimmed, then 1–255 code points', () => {
  it('trims and counts code points, astral characters included', () => {
    expect(TitleSchema.parse('  Moonlight \n')).toBe('Moonlight');
    expect(TitleSchema.parse('a'.repeat(255))).toHaveLength(255);
    expect(TitleSchema.parse(`  ${'🎵'.repeat(255)}  `)).toBe('🎵'.repeat(255));
    expect(codesOf(TitleSchema, 'a'.repeat(256))).toEqual([':too_long']);
    expect(codesOf(TitleSchema, '🎵'.repeat(256))).toEqual([':too_long']);
    expect(codesOf(TitleSchema, ` ${'a'.repeat(255)} `)).toEqual([]);
  });

  it('refuses an empty or blank title', () => {
    expect(codesOf(TitleSchema, '')).toEqual([':too_short']);
    expect(codesOf(TitleSchema, ' \t ')).toEqual([':too_short']);
  });
});

describe('filename: 1–255 code points, no / \\ NUL, not . or ..', () => {
  it('accepts plain names, kept as given', () => {
    for (const name of ['a', 'moonlight.wav', '...', ' spaced name .mp3', '🎵'.repeat(255)]) {
      expect(FilenameSchema.parse(name)).toBe(name);
    }
  });

  it('refuses separators, NUL, dot names and bad lengths', () => {
    expect(codesOf(FilenameSchema, 'music/a.wav')).toEqual([':invalid_format']);
    expect(codesOf(FilenameSchema, 'C:\\a.wav')).toEqual([':invalid_format']);
    expect(codesOf(FilenameSchema, 'a\0.wav')).toEqual([':invalid_format']);
    expect(codesOf(FilenameSchema, '.')).toEqual([':invalid_value']);
    expect(codesOf(FilenameSchema, '..')).toEqual([':invalid_value']);
    expect(codesOf(FilenameSchema, '')).toEqual([':too_short']);
    expect(codesOf(FilenameSchema, '🎵'.repeat(256))).toEqual([':too_long']);
  });
});

describe('POST /v1/works/init answer', () => {
  it('parses and ignores unknown fields', () => {
    const answer = InitWorkResponseSchema.parse({
      job_id: JOB,
      upload_url: `http://127.0.0.1:4010/_storage/uploads/${JOB}?X-Amz-Date=20260430T110000Z&X-Amz-Expires=600&X-Amz-Signature=ab`,
      upload_expires_at: '2026-04-30T11:10:00.000Z',
      bucket: 'x',
    });
    expect(answer).not.toHaveProperty('bucket');
    expect(answer.job_id).toBe(JOB);
  });
});

describe('POST /v1/works/prepare', () => {
  it('takes { job_id, passphrase: null } and refuses unknown fields', () => {
    expect(PrepareWorkRequestSchema.parse({ job_id: JOB, passphrase: null })).toEqual({
      job_id: JOB,
      passphrase: null,
    });
    expect(PrepareWorkRequestSchema.parse({ job_id: JOB })).toEqual({ job_id: JOB });
    expect(codesOf(PrepareWorkRequestSchema, { job_id: '' })).toEqual(['job_id:too_short']);
    expect(codesOf(PrepareWorkRequestSchema, {})).toEqual(['job_id:required']);
    expect(codesOf(PrepareWorkRequestSchema, { job_id: JOB, x: 1 })).toEqual(['x:invalid_value']);
  });

  const quote = {
    job_id: JOB,
    work_id: JOB,
    commitment: hash('c0'),
    network_fee_credits: 12,
    total_deposit_credits: 50,
    service_fee_credits: 5,
    storage_fee_credits: 8,
    total_price_credits: 75,
    is_valid: true,
    expires_at: '2026-04-30T11:05:00.000Z',
  };

  it('parses the mainnet 18 MiB quote; the sandbox extras default to null', () => {
    const answer = PrepareWorkResponseSchema.parse(quote);
    expect(answer.total_price_credits).toBe(75);
    expect(answer).toMatchObject({
      size_bytes: null,
      media_hash: null,
      merkle_root: null,
      protocol_version: null,
    });
  });

  it('parses the sandbox extras and ignores unknown fields', () => {
    const answer = PrepareWorkResponseSchema.parse({
      ...quote,
      size_bytes: 18 * 1_048_576,
      media_hash: hash('aa'),
      merkle_root: hash('bb'),
      protocol_version: 1,
      future_field: true,
    });
    expect(answer.media_hash).toBe(hash('aa'));
    expect(answer).not.toHaveProperty('future_field');
  });

  it('refuses an answer without the quote fields', () => {
    const { total_price_credits: _omitted, ...rest } = quote;
    expect(PrepareWorkResponseSchema.safeParse(rest).success).toBe(false);
  });
});

describe('POST /v1/works/confirm', () => {
  it('takes { job_id } strictly', () => {
    expect(ConfirmWorkRequestSchema.parse({ job_id: JOB })).toEqual({ job_id: JOB });
    expect(codesOf(ConfirmWorkRequestSchema, { job_id: JOB, passphrase: null })).toEqual([
      'passphrase:invalid_value',
    ]);
  });

  it('parses the 202 example of api.md', () => {
    const answer = ConfirmWorkResponseSchema.parse({
      transaction_id: TX,
      ws_url: `/v1/ws/transactions/${TX}`,
      status_url: `/v1/transactions/${TX}`,
    });
    expect(answer).toEqual({
      transaction_id: TX,
      ws_url: `/v1/ws/transactions/${TX}`,
      status_url: `/v1/transactions/${TX}`,
      access_code: null,
      transaction_type: null,
    });
  });

  it('accepts an access_code and a transaction_type if a server sends them', () => {
    const code = `atc_${'7e'.repeat(32)}`;
    const answer = ConfirmWorkResponseSchema.parse({
      transaction_id: TX,
      ws_url: 'w',
      status_url: 's',
      access_code: code,
      transaction_type: 'register',
    });
    expect(answer.access_code).toBe(code);
    expect(answer.transaction_type).toBe('register');
  });
});
