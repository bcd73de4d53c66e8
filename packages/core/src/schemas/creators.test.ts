import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  CreatorInputSchema,
  CreatorReadSchema,
  CreatorRequestSchema,
  CreatorRoleFlagsSchema,
  CreatorsInputSchema,
  CreatorsRequestSchema,
  ROLE_NAMES,
  ROLE_TAGS,
  roleFlagsFromNames,
  roleNamesFromFlags,
} from './creators';
import { type FieldError, toFieldErrors } from './errors';

const ada = { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: { author: true } };

function fieldsOf(schema: z.ZodType, value: unknown): Pick<FieldError, 'path' | 'code'>[] {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : toFieldErrors(result.error).map(({ path, code }) => ({ path, code }));
}

describe('role constants', () => {
  it('names the four roles with their protocol tags', () => {
    expect(ROLE_NAMES).toEqual(['author', 'composer', 'arranger', 'adapter']);
    expect(ROLE_TAGS).toEqual({ author: 0, composer: 1, arranger: 2, adapter: 3 });
  });

  it('converts between role names and the boolean object', () => {
    expect(roleFlagsFromNames(['Composer', 'author', 'author'])).toEqual({
      author: true,
      composer: true,
      arranger: false,
      adapter: false,
    });
    expect(roleNamesFromFlags({ adapter: true, composer: true, author: false })).toEqual([
      'composer',
      'adapter',
    ]);
  });
});

describe('creator roles in requests (wire object)', () => {
  it('needs at least one true flag; missing and null flags are false', () => {
    expect(CreatorRoleFlagsSchema.safeParse({ author: true }).success).toBe(true);
    expect(CreatorRoleFlagsSchema.safeParse({ author: null, adapter: true }).success).toBe(true);
    expect(fieldsOf(CreatorRoleFlagsSchema, {})).toEqual([{ path: '', code: 'too_few' }]);
    expect(fieldsOf(CreatorRoleFlagsSchema, { author: false, composer: false })).toEqual([
      { path: '', code: 'too_few' },
    ]);
  });

  it('refuses unknown roles and non-boolean flags', () => {
    expect(fieldsOf(CreatorRoleFlagsSchema, { author: true, producer: true })).toEqual([
      { path: 'producer', code: 'invalid_value' },
    ]);
    expect(fieldsOf(CreatorRoleFlagsSchema, { author: 'yes' })).toEqual([
      { path: 'author', code: 'invalid_type' },
    ]);
  });
});

describe('a creator in a request (§4)', () => {
  it('trims full_name and email', () => {
    expect(
      CreatorRequestSchema.parse({ ...ada, full_name: '  Ada  ', email: ' ada@example.com\n' }),
    ).toEqual({ ...ada, full_name: 'Ada' });
  });

  it('limits full_name to 255 code points after trimming, astral characters included', () => {
    expect(CreatorRequestSchema.safeParse({ ...ada, full_name: 'a'.repeat(255) }).success).toBe(
      true,
    );
    expect(
      CreatorRequestSchema.safeParse({ ...ada, full_name: ` ${'🎵'.repeat(255)} ` }).success,
    ).toBe(true);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, full_name: '🎵'.repeat(256) })).toEqual([
      { path: 'full_name', code: 'too_long' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, full_name: '   ' })).toEqual([
      { path: 'full_name', code: 'too_short' },
    ]);
  });

  it('accepts emails with one @, no whitespace and a dot in the domain', () => {
    for (const email of ['a@b.co', 'first.last+tag@mail.example.org', 'é@exämple.fr']) {
      expect(CreatorRequestSchema.safeParse({ ...ada, email }).success, email).toBe(true);
    }
  });

  it('refuses other email shapes', () => {
    for (const email of [
      'ada.example.com',
      'a@@b.co',
      'a@b@c.co',
      'a@bco',
      'a b@c.co',
      'a@b .co',
      '@b.co',
      'a@.co',
      'a@b.',
    ]) {
      expect(fieldsOf(CreatorRequestSchema, { ...ada, email }), email).toEqual([
        { path: 'email', code: 'invalid_format' },
      ]);
    }
    expect(fieldsOf(CreatorRequestSchema, { ...ada, email: ' ' })).toEqual([
      { path: 'email', code: 'too_short' },
    ]);
    const long = `${'a'.repeat(250)}@b.com`;
    expect(fieldsOf(CreatorRequestSchema, { ...ada, email: long })).toEqual([
      { path: 'email', code: 'too_long' },
    ]);
  });

  it('accepts an IPI of 1 to 11 ASCII digits', () => {
    for (const ipi of ['1', '00052210040', null, undefined]) {
      expect(CreatorRequestSchema.safeParse({ ...ada, ipi }).success).toBe(true);
    }
    expect(fieldsOf(CreatorRequestSchema, { ...ada, ipi: '' })).toEqual([
      { path: 'ipi', code: 'too_short' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, ipi: '123456789012' })).toEqual([
      { path: 'ipi', code: 'too_long' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, ipi: '12a' })).toEqual([
      { path: 'ipi', code: 'invalid_format' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, ipi: '١٢٣' })).toEqual([
      { path: 'ipi', code: 'invalid_format' },
    ]);
  });

  it('accepts an ISNI of exactly 16 characters 0-9 or uppercase X', () => {
    expect(CreatorRequestSchema.safeParse({ ...ada, isni: '000000012345678X' }).success).toBe(true);
    expect(CreatorRequestSchema.safeParse({ ...ada, isni: '0000000123456789' }).success).toBe(true);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, isni: '000000012345678x' })).toEqual([
      { path: 'isni', code: 'invalid_format' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, isni: '000000012345678' })).toEqual([
      { path: 'isni', code: 'too_short' },
    ]);
    expect(fieldsOf(CreatorRequestSchema, { ...ada, isni: '000000012345678XX' })).toEqual([
      { path: 'isni', code: 'too_long' },
    ]);
    const result = CreatorRequestSchema.safeParse({ ...ada, isni: '0000 0001 2345 678X' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(toFieldErrors(result.error)[0]?.message).toBe('isni: must be 16 characters 0-9 or X');
    }
  });

  it('refuses unknown fields (requests are strict)', () => {
    expect(fieldsOf(CreatorRequestSchema, { ...ada, nickname: 'A' })).toEqual([
      { path: 'nickname', code: 'invalid_value' },
    ]);
  });
});

describe('a creator as a caller gives it (roles in either form)', () => {
  it('normalises role names, in any case, to the wire object', () => {
    expect(CreatorInputSchema.parse({ ...ada, roles: ['Author', 'composer'] }).roles).toEqual({
      author: true,
      composer: true,
      arranger: false,
      adapter: false,
    });
  });

  it('normalises the wire object to every flag explicit', () => {
    expect(
      CreatorInputSchema.parse({ ...ada, roles: { arranger: true, author: null } }).roles,
    ).toEqual({
      author: false,
      composer: false,
      arranger: true,
      adapter: false,
    });
  });

  it('refuses an empty list and unknown names', () => {
    expect(fieldsOf(CreatorInputSchema, { ...ada, roles: [] })).toEqual([
      { path: 'roles', code: 'too_few' },
    ]);
    expect(fieldsOf(CreatorInputSchema, { ...ada, roles: { author: false } })).toEqual([
      { path: 'roles', code: 'too_few' },
    ]);
    expect(fieldsOf(CreatorInputSchema, { ...ada, roles: ['producer'] })).toEqual([
      { path: 'roles[0]', code: 'invalid_value' },
    ]);
  });
});

describe('the creators list: 1 to 32 entries', () => {
  const many = (count: number) => Array.from({ length: count }, () => ada);

  it('accepts 1 and 32, refuses 0 and 33', () => {
    for (const schema of [CreatorsRequestSchema, CreatorsInputSchema]) {
      expect(schema.safeParse(many(1)).success).toBe(true);
      expect(schema.safeParse(many(32)).success).toBe(true);
      expect(fieldsOf(schema, [])).toEqual([{ path: '', code: 'too_few' }]);
      expect(fieldsOf(schema, many(33))).toEqual([{ path: '', code: 'too_many' }]);
    }
  });

  it('paths each creator by index', () => {
    expect(fieldsOf(CreatorsRequestSchema, [ada, ada, { ...ada, isni: 'x' }])).toEqual([
      { path: '[2].isni', code: 'too_short' },
    ]);
  });
});

describe('a creator as the API returns it (§8.2)', () => {
  it('reads capitalised role names in tag order', () => {
    const creator = CreatorReadSchema.parse({
      full_name: 'Ada Lovelace',
      email: 'ada@example.com',
      roles: ['Author', 'Composer'],
      ipi: null,
      isni: null,
    });
    expect(creator).toEqual({
      full_name: 'Ada Lovelace',
      email: 'ada@example.com',
      roles: ['author', 'composer'],
      ipi: null,
      isni: null,
    });
  });

  it('reads names in any case, any order, and the boolean object form', () => {
    const base = { full_name: 'A', email: 'a@b.co' };
    expect(CreatorReadSchema.parse({ ...base, roles: ['COMPOSER', 'author'] }).roles).toEqual([
      'author',
      'composer',
    ]);
    expect(
      CreatorReadSchema.parse({ ...base, roles: { adapter: true, author: false } }).roles,
    ).toEqual(['adapter']);
  });

  it('treats missing identifiers as null and ignores unknown fields', () => {
    const creator = CreatorReadSchema.parse({
      full_name: 'A',
      email: 'a@b.co',
      roles: ['author'],
      share: 50,
    });
    expect(creator).toEqual({
      full_name: 'A',
      email: 'a@b.co',
      roles: ['author'],
      ipi: null,
      isni: null,
    });
  });

  it('drops role names the protocol does not know', () => {
    const creator = CreatorReadSchema.parse({
      full_name: 'A',
      email: 'a@b.co',
      roles: ['Author', 'Producer'],
    });
    expect(creator.roles).toEqual(['author']);
  });
});
