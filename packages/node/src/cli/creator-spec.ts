import { type CreatorInput, ROLE_NAMES, type RoleName } from '@ats-kit/core';
import { CliUsageError } from './cli-errors';

// One creator on the command line, in the form people write in e-mail headers:
//   "Full Name <email> role,role [ipi=digits] [isni=16 chars]"
// The form is parsed here; the field rules (email shape, IPI, ISNI, lengths) are core's schema,
// checked later with every other field so all problems are reported at once.

const SPEC_SHAPE = /^\s*(.*?)\s*<([^<>]*)>\s*(.*)$/s;
const EXAMPLE = '"Ada Lovelace <ada@example.com> author,composer ipi=00052210040"';
const ROLE_LIST = 'author, composer, arranger or adapter';

/**
 * Parses one `--creator` value, `Full Name <email> roles [ipi=…] [isni=…]`, into a creator with
 * role names. Roles are comma-separated names (any case); `ipi=` and `isni=` are optional.
 * Throws `CliUsageError` naming `label` (e.g. `--creator #2`) and showing the expected form.
 *
 * @example
 * parseCreatorSpec('Ada <ada@example.com> author,composer isni=000000012146438X', '--creator #1');
 * // { full_name: 'Ada', email: 'ada@example.com', roles: ['author', 'composer'], isni: '000000012146438X' }
 */
export function parseCreatorSpec(text: string, label: string): CreatorInput {
  const match = SPEC_SHAPE.exec(text);
  if (!match) {
    throw new CliUsageError(
      `${label}: write it as "Full Name <email> roles", e.g. ${EXAMPLE} (got ${JSON.stringify(text)})`,
    );
  }
  const [, name = '', email = '', rest = ''] = match;
  if (name.trim() === '') {
    throw new CliUsageError(
      `${label}: the creator's full name goes before <email>, e.g. ${EXAMPLE}`,
    );
  }
  const roles = new Set<RoleName>();
  const creator: CreatorInput = { full_name: name.trim(), email: email.trim(), roles: [] };
  for (const token of rest.split(/\s+/).filter((t) => t !== '')) {
    const equals = token.indexOf('=');
    if (equals >= 0) {
      const key = token.slice(0, equals).toLowerCase();
      const value = token.slice(equals + 1);
      if (key === 'ipi') creator.ipi = value;
      else if (key === 'isni') creator.isni = value;
      else {
        throw new CliUsageError(
          `${label}: unknown "${token.slice(0, equals)}="; only ipi=<1-11 digits> and isni=<16 characters> may follow the roles`,
        );
      }
      continue;
    }
    for (const role of token.split(',').filter((r) => r !== '')) {
      const lower = role.toLowerCase();
      if (!(ROLE_NAMES as readonly string[]).includes(lower)) {
        throw new CliUsageError(
          `${label}: "${role}" is not a role; use ${ROLE_LIST}, comma-separated, e.g. ${EXAMPLE}`,
        );
      }
      roles.add(lower as RoleName);
    }
  }
  if (roles.size === 0) {
    throw new CliUsageError(
      `${label}: give at least one role after the email (${ROLE_LIST}), e.g. ${EXAMPLE}`,
    );
  }
  creator.roles = ROLE_NAMES.filter((role) => roles.has(role));
  return creator;
}

/**
 * Parses a `;`-separated list of creator specs, as in the `creators` column of a batch CSV:
 * `Ada <ada@example.com> author; Bob <bob@example.com> composer`.
 *
 * @example
 * parseCreatorList('Ada <ada@example.com> author; Bob <bob@example.com> composer', 'row 2');
 */
export function parseCreatorList(text: string, label: string): CreatorInput[] {
  const specs = text
    .split(';')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length === 0) {
    throw new CliUsageError(
      `${label}: no creators; list them as "Name <email> roles; Name <email> roles"`,
    );
  }
  return specs.map((spec, index) => parseCreatorSpec(spec, `${label}, creator ${index + 1}`));
}
