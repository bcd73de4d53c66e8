import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CreatorInputSchema } from './creators';
import {
  ErrorEnvelopeSchema,
  FIELD_ERROR_CODES,
  formatIssuePath,
  KNOWN_ERROR_CODES,
  ownCodeForInitBody,
  toFieldErrors,
  ValidationFailedDetailsSchema,
} from './errors';
import { InitWorkRequestSchema } from './works';

const creator = { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: { author: true } };
const validInit = {
  network: 'testnet',
  title: 'Moonlight',
  filename: 'moonlight.wav',
  creators: [creator],
};

function fieldErrorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return toFieldErrors(result.error, value);
}

describe('the error envelope (§2.2)', () => {
  it('parses the example of api.md', () => {
    const envelope = ErrorEnvelopeSchema.parse({
      error: {
        code: 'registration.audio_too_large',
        message: 'The file is 612000000 bytes; the limit is 500000000.',
        details: { size_bytes: 612000000, max_bytes: 500000000 },
        request_id: 'req_5f0c2a9e41b7d3c8a6e0f192',
      },
    });
    expect(envelope.error.code).toBe('registration.audio_too_large');
    expect(envelope.error.details).toEqual({ size_bytes: 612000000, max_bytes: 500000000 });
  });

  it('accepts error codes it does not know', () => {
    const envelope = ErrorEnvelopeSchema.parse({
      error: { code: 'billing.card_declined', message: 'No.', request_id: 'req_1' },
    });
    expect(envelope.error.code).toBe('billing.card_declined');
  });

  it('treats missing and null details / request_id alike, and ignores unknown fields', () => {
    const a = ErrorEnvelopeSchema.parse({ error: { code: 'common.not_found', message: 'x' } });
    const b = ErrorEnvelopeSchema.parse({
      error: { code: 'common.not_found', message: 'x', details: null, request_id: null, extra: 1 },
      trace: 'abc',
    });
    expect(a).toEqual(b);
    expect(a.error).toEqual({
      code: 'common.not_found',
      message: 'x',
      details: null,
      request_id: null,
    });
  });

  it('parses the validation_failed details', () => {
    const details = ValidationFailedDetailsSchema.parse({
      fields: [
        { path: 'creators[2].isni', code: 'invalid_format', message: 'creators[2].isni: bad' },
        { path: 'title', code: 'some_future_code', message: 'x' },
      ],
    });
    expect(details.fields).toHaveLength(2);
  });

  it('lists the spec codes once each', () => {
    expect(new Set(KNOWN_ERROR_CODES).size).toBe(KNOWN_ERROR_CODES.length);
    expect(KNOWN_ERROR_CODES).toContain('transaction.failed');
    expect(FIELD_ERROR_CODES).toEqual([
      'required',
      'invalid_type',
      'invalid_value',
      'too_short',
      'too_long',
      'too_few',
      'too_many',
      'invalid_format',
    ]);
  });
});

describe('formatIssuePath', () => {
  it('prints paths as the API does', () => {
    expect(formatIssuePath(['creators', 2, 'isni'])).toBe('creators[2].isni');
    expect(formatIssuePath(['title'])).toBe('title');
    expect(formatIssuePath([])).toBe('');
    expect(formatIssuePath([0, 'roles'])).toBe('[0].roles');
    expect(formatIssuePath(['storage', 'tiers', 1, 'up_to_mib'])).toBe(
      'storage.tiers[1].up_to_mib',
    );
    expect(formatIssuePath(['a b', 'c'])).toBe('["a b"].c');
  });
});

describe('toFieldErrors', () => {
  it('gives path, §4 code and a message naming the path and the fix', () => {
    const body = {
      ...validInit,
      creators: [creator, creator, { ...creator, isni: '000000012345678x' }],
    };
    expect(fieldErrorsOf(InitWorkRequestSchema, body)).toEqual([
      {
        path: 'creators[2].isni',
        code: 'invalid_format',
        message: 'creators[2].isni: must be 16 characters 0-9 or X',
      },
    ]);
  });

  it('reports every problem together, in body order', () => {
    const fields = fieldErrorsOf(InitWorkRequestSchema, {
      network: 'devnet',
      title: 'x'.repeat(256),
      filename: 'a/b.wav',
      creators: [{ full_name: ' ', email: 'nope', roles: {}, ipi: '123456789012' }],
      external_user_ref: '',
    });
    expect(fields.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'network', code: 'invalid_value' },
      { path: 'title', code: 'too_long' },
      { path: 'filename', code: 'invalid_format' },
      { path: 'creators[0].full_name', code: 'too_short' },
      { path: 'creators[0].email', code: 'invalid_format' },
      { path: 'creators[0].roles', code: 'too_few' },
      { path: 'creators[0].ipi', code: 'too_long' },
      { path: 'external_user_ref', code: 'too_short' },
    ]);
    expect(fields[0]?.message).toBe('network: must be "testnet" or "mainnet"');
    expect(fields[1]?.message).toBe('title: must be at most 255 characters (got 256)');
    expect(fields[5]?.message).toBe(
      'creators[0].roles: must set at least one of author, composer, arranger, adapter to true',
    );
  });

  it('says "required" for a missing or null field, whatever its schema', () => {
    const fields = fieldErrorsOf(InitWorkRequestSchema, {
      title: null,
      filename: 'a.wav',
      creators: [{ full_name: 'A', roles: { author: true } }],
    });
    expect(fields).toEqual([
      { path: 'network', code: 'required', message: 'network: is required' },
      { path: 'title', code: 'required', message: 'title: is required' },
      { path: 'creators[0].email', code: 'required', message: 'creators[0].email: is required' },
    ]);
  });

  it('says "invalid_type" for a value of the wrong type', () => {
    const fields = fieldErrorsOf(InitWorkRequestSchema, { ...validInit, title: 42, creators: 'A' });
    expect(fields).toEqual([
      { path: 'title', code: 'invalid_type', message: 'title: must be a string' },
      { path: 'creators', code: 'invalid_type', message: 'creators: must be an array of creators' },
    ]);
  });

  it('says "invalid_type" for a string enum given another type, when it has the input', () => {
    expect(fieldErrorsOf(InitWorkRequestSchema, { ...validInit, network: 7 })).toEqual([
      { path: 'network', code: 'invalid_type', message: 'network: must be "testnet" or "mainnet"' },
    ]);
    // Inside a union branch and an array, the path still finds the value.
    expect(fieldErrorsOf(CreatorInputSchema, { ...creator, roles: ['author', 3] })).toEqual([
      {
        path: 'roles[1]',
        code: 'invalid_type',
        message: 'roles[1]: must be a role name: author, composer, arranger or adapter',
      },
    ]);
    const schema = z.strictObject({ kind: z.enum(['a', 'b']) });
    expect(fieldErrorsOf(schema, { kind: true })).toEqual([
      { path: 'kind', code: 'invalid_type', message: 'kind: must be a string, one of "a", "b"' },
    ]);
    // Zod keeps the input in issues only when asked; either source works.
    const reported = schema.safeParse({ kind: 1 }, { reportInput: true });
    if (reported.success) throw new Error('expected the value to be refused');
    expect(toFieldErrors(reported.error)[0]?.code).toBe('invalid_type');
    // Without the input a wrong-typed enum value cannot be told from a wrong string.
    const bare = schema.safeParse({ kind: 1 });
    if (bare.success) throw new Error('expected the value to be refused');
    expect(toFieldErrors(bare.error)[0]?.code).toBe('invalid_value');
  });

  it('says "too_few" / "too_many" for the creators count', () => {
    expect(fieldErrorsOf(InitWorkRequestSchema, { ...validInit, creators: [] })).toEqual([
      { path: 'creators', code: 'too_few', message: 'creators: must list at least 1 creator' },
    ]);
    const many = fieldErrorsOf(InitWorkRequestSchema, {
      ...validInit,
      creators: Array.from({ length: 33 }, () => creator),
    });
    expect(many).toEqual([
      {
        path: 'creators',
        code: 'too_many',
        message: 'creators: must list at most 32 creators (the commitment has 32 slots)',
      },
    ]);
  });

  it('gives one entry per unknown key of a strict schema', () => {
    const fields = fieldErrorsOf(InitWorkRequestSchema, {
      ...validInit,
      passphrase: 'x',
      creators: [{ ...creator, roles: { author: true, producer: true } }],
    });
    expect(fields).toEqual([
      {
        path: 'creators[0].roles.producer',
        code: 'invalid_value',
        message: 'creators[0].roles.producer: is not a known field; remove it',
      },
      {
        path: 'passphrase',
        code: 'invalid_value',
        message: 'passphrase: is not a known field; remove it',
      },
    ]);
  });

  it('explains a union through the branch that matched the type', () => {
    const fields = fieldErrorsOf(CreatorInputSchema, { ...creator, roles: ['author', 'producer'] });
    expect(fields).toEqual([
      {
        path: 'roles[1]',
        code: 'invalid_value',
        message: 'roles[1]: must be a role name: author, composer, arranger or adapter',
      },
    ]);
    expect(fieldErrorsOf(CreatorInputSchema, { ...creator, roles: 'author' })).toEqual([
      {
        path: 'roles',
        code: 'invalid_type',
        message:
          'roles: must be an object of booleans { author, composer, arranger, adapter } or an array of role names',
      },
    ]);
    expect(fieldErrorsOf(CreatorInputSchema, { full_name: 'A', email: 'a@b.co' })).toEqual([
      { path: 'roles', code: 'required', message: 'roles: is required' },
    ]);
  });

  it('rewrites Zod default messages into fix phrases', () => {
    const schema = z.strictObject({
      name: z.string().min(3).max(5),
      count: z.number().int().min(1),
      tags: z.array(z.string()).max(1),
      kind: z.enum(['a', 'b']),
      url: z.url(),
    });
    const fields = fieldErrorsOf(schema, {
      name: 'ab',
      count: 0,
      tags: ['x', 'y'],
      kind: 'c',
      url: 'not a url',
    });
    expect(fields).toEqual([
      { path: 'name', code: 'too_short', message: 'name: must be at least 3 characters' },
      { path: 'count', code: 'invalid_value', message: 'count: must be at least 1' },
      { path: 'tags', code: 'too_many', message: 'tags: must have at most 1 entry' },
      { path: 'kind', code: 'invalid_value', message: 'kind: must be one of "a", "b"' },
      { path: 'url', code: 'invalid_format', message: 'url: must be a valid url' },
    ]);
    expect(fieldErrorsOf(schema, null)).toEqual([
      { path: '', code: 'required', message: 'is required' },
    ]);
    expect(fieldErrorsOf(schema, 'x')).toEqual([
      { path: '', code: 'invalid_type', message: 'must be an object' },
    ]);
  });
});

describe('ownCodeForInitBody (the "own code" rule of §4)', () => {
  it('returns null for a body that must go through the schema', () => {
    expect(ownCodeForInitBody(validInit)).toBeNull();
    expect(ownCodeForInitBody({ ...validInit, title: 42 })).toBeNull();
    expect(ownCodeForInitBody({ ...validInit, creators: 'x' })).toBeNull();
    expect(ownCodeForInitBody('not an object')).toBeNull();
    expect(ownCodeForInitBody([])).toBeNull();
  });

  it('checks title (trimmed), then filename, then creators', () => {
    expect(ownCodeForInitBody({})).toBe('registration.title_required');
    expect(ownCodeForInitBody({ title: '  \t', filename: '', creators: [] })).toBe(
      'registration.title_required',
    );
    expect(ownCodeForInitBody({ title: null, filename: 'a' })).toBe('registration.title_required');
    expect(ownCodeForInitBody({ title: 'T', filename: '', creators: [] })).toBe(
      'registration.filename_required',
    );
    expect(ownCodeForInitBody({ title: 'T', filename: null })).toBe(
      'registration.filename_required',
    );
    expect(ownCodeForInitBody({ title: 'T', filename: 'a.wav', creators: [] })).toBe(
      'registration.creators_required',
    );
    expect(ownCodeForInitBody({ title: 'T', filename: 'a.wav' })).toBe(
      'registration.creators_required',
    );
  });

  it('checks only the fields of the version routes', () => {
    expect(ownCodeForInitBody({ network: 'testnet', creators: [creator] }, 'version')).toBeNull();
    expect(ownCodeForInitBody({ network: 'testnet', creators: [] }, 'version')).toBe(
      'registration.creators_required',
    );
    expect(ownCodeForInitBody({ creators: [creator] }, 'version_upload')).toBe(
      'registration.filename_required',
    );
    expect(ownCodeForInitBody({ filename: 'a.wav', creators: null }, 'version_upload')).toBe(
      'registration.creators_required',
    );
  });
});
