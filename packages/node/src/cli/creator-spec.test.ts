import { describe, expect, it } from 'vitest';
import { CliUsageError } from './cli-errors';
import { parseCreatorList, parseCreatorSpec } from './creator-spec';

describe('parseCreatorSpec', () => {
  it('reads "Full Name <email> roles" into a creator with role names in tag order', () => {
    expect(
      parseCreatorSpec('Ada Lovelace <ada@example.com> composer,Author', '--creator #1'),
    ).toEqual({
      full_name: 'Ada Lovelace',
      email: 'ada@example.com',
      roles: ['author', 'composer'],
    });
  });

  it('reads ipi= and isni= after the roles, and roles split over several words', () => {
    expect(
      parseCreatorSpec(
        '  Bob  <bob@example.com>  arranger adapter ipi=00052210040 isni=000000012146438X ',
        '--creator #2',
      ),
    ).toEqual({
      full_name: 'Bob',
      email: 'bob@example.com',
      roles: ['arranger', 'adapter'],
      ipi: '00052210040',
      isni: '000000012146438X',
    });
  });

  it('keeps non-ASCII names as written', () => {
    expect(parseCreatorSpec('Zoë Ñúñez <zoe@example.com> author', 'x').full_name).toBe('Zoë Ñúñez');
  });

  it.each([
    ['Ada ada@example.com author', /write it as "Full Name <email> roles"/],
    ['<ada@example.com> author', /full name goes before <email>/],
    ['Ada <ada@example.com>', /at least one role/],
    ['Ada <ada@example.com> singer', /"singer" is not a role/],
    ['Ada <ada@example.com> author iswc=T-1', /unknown "iswc="/],
  ])('refuses %j, naming the flag and the fix', (spec, message) => {
    const attempt = () => parseCreatorSpec(spec, '--creator #3');
    expect(attempt).toThrow(CliUsageError);
    expect(attempt).toThrow(/^--creator #3: /);
    expect(attempt).toThrow(message);
  });
});

describe('parseCreatorList', () => {
  it('splits the CSV form on semicolons', () => {
    expect(
      parseCreatorList(
        'Ada <ada@example.com> author; Bob <bob@example.com> composer;',
        'works.csv:2',
      ),
    ).toEqual([
      { full_name: 'Ada', email: 'ada@example.com', roles: ['author'] },
      { full_name: 'Bob', email: 'bob@example.com', roles: ['composer'] },
    ]);
  });

  it('names the row and the creator in its errors', () => {
    expect(() => parseCreatorList('Ada <ada@example.com> author; Bob', 'works.csv:4')).toThrow(
      /^works\.csv:4, creator 2: /,
    );
    expect(() => parseCreatorList(' ; ', 'works.csv:5')).toThrow(/no creators/);
  });
});
