import { InitWorkRequestSchema } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { parseLenient } from './validation';

const creator = { full_name: 'Ana', email: 'ana@example.com', roles: { author: true } };

describe('parseLenient', () => {
  it('ignores unknown fields at any depth', () => {
    const result = parseLenient(InitWorkRequestSchema, {
      network: 'testnet',
      title: 'T',
      filename: 'a.wav',
      creators: [{ ...creator, extra: 1, roles: { author: true, singer: true } }],
      client_version: '1.0',
    });
    expect(result.success).toBe(true);
  });

  it('reports the real problems with §4 paths and codes', () => {
    const result = parseLenient(InitWorkRequestSchema, {
      network: 'testnet',
      title: 'T',
      filename: 'a/b.wav',
      creators: [{ ...creator, ipi: '123456789012' }],
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.fields.map((f) => [f.path, f.code])).toEqual([
        ['filename', 'invalid_format'],
        ['creators[0].ipi', 'too_long'],
      ]);
    }
  });

  it('reports a string enum given another type as invalid_type (api.md §4)', () => {
    const result = parseLenient(InitWorkRequestSchema, {
      network: 7,
      title: 'T',
      filename: 'a.wav',
      creators: [creator],
      extra: true,
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.fields.map((f) => [f.path, f.code])).toEqual([['network', 'invalid_type']]);
    }
  });
});
