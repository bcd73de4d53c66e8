import { describe, expect, it } from 'vitest';
import { CreatorInputSchema } from './creators';
import { toFieldErrors } from './errors';
import { safeParseIgnoringUnknownKeys } from './parse-request';
import { InitWorkInputSchema, InitWorkRequestSchema } from './works';

const creator = { full_name: 'Ada', email: 'ada@example.com', roles: { author: true } };
const body = { network: 'testnet', title: 'T', filename: 'a.wav', creators: [creator] };

describe('strict request schemas', () => {
  it('stay strict when extended with the flexible creator input', () => {
    expect(CreatorInputSchema.safeParse({ ...creator, share: 1 }).success).toBe(false);
    expect(InitWorkInputSchema.safeParse({ ...body, tags: [] }).success).toBe(false);
  });
});

describe('safeParseIgnoringUnknownKeys (a server ignoring unknown request fields)', () => {
  it('drops unknown fields at any depth and keeps the body intact', () => {
    const sent = {
      ...body,
      passphrase: 'ignored',
      creators: [{ ...creator, share: 50, roles: { author: true, producer: true } }],
    };
    const snapshot = structuredClone(sent);
    const result = safeParseIgnoringUnknownKeys(InitWorkRequestSchema, sent);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(body);
    expect(sent).toEqual(snapshot);
  });

  it('still reports the other problems, and only them', () => {
    const result = safeParseIgnoringUnknownKeys(InitWorkRequestSchema, {
      ...body,
      extra: true,
      creators: [{ ...creator, isni: 'x', extra: 1 }],
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(toFieldErrors(result.error).map((field) => field.path)).toEqual(['creators[0].isni']);
    }
  });

  it('returns the first result when there is nothing to drop', () => {
    expect(safeParseIgnoringUnknownKeys(InitWorkRequestSchema, body).success).toBe(true);
    expect(safeParseIgnoringUnknownKeys(InitWorkRequestSchema, 'text').success).toBe(false);
  });
});
