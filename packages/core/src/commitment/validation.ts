// The protocol's own input rules (commitment.md, "Inputs") and nothing more: the API's request caps
// (255 characters, email shape, trimming) belong to the request schemas, so a certificate made
// elsewhere with a longer title still verifies here.
import { AtsValidationError, type ValidationIssue } from '../errors';
import { hasUnpairedSurrogate, UNPAIRED_SURROGATE_MESSAGE, unknownRoleMessage } from './encoding';
import { MERKLE_LEAF_SLOTS } from './merkle';
import { ROLE_NAMES, ROLE_TAGS } from './model';

const IPI_PATTERN = /^[0-9]{1,11}$/;
const ISNI_PATTERN = /^[0-9X]{16}$/;

/** Issues with a title: a non-empty, well-formed string. */
export function titleIssues(title: unknown, path = 'title'): ValidationIssue[] {
  return requiredStringIssues(title, path);
}

/** Issues with a creators list: 1 to 32 valid creators. Paths look like `creators[2].isni`. */
export function creatorsIssues(creators: unknown, path = 'creators'): ValidationIssue[] {
  if (!Array.isArray(creators)) {
    return [issue(path, 'invalid_type', `must be an array of creators, got ${describe(creators)}`)];
  }
  const issues: ValidationIssue[] = [];
  if (creators.length === 0) {
    issues.push(issue(path, 'too_few', 'must list at least one creator'));
  } else if (creators.length > MERKLE_LEAF_SLOTS) {
    issues.push(
      issue(
        path,
        'too_many',
        `must list at most ${MERKLE_LEAF_SLOTS} creators (the commitment tree has ${MERKLE_LEAF_SLOTS} slots), got ${creators.length}`,
      ),
    );
  }
  creators.forEach((creator, index) => {
    issues.push(...creatorIssues(creator, `${path}[${index}]`));
  });
  return issues;
}

/** Issues with one creator: name, email, at least one role, well-formed IPI and ISNI if present. */
export function creatorIssues(creator: unknown, path: string): ValidationIssue[] {
  if (typeof creator !== 'object' || creator === null || Array.isArray(creator)) {
    return [issue(path, 'invalid_type', `must be a creator object, got ${describe(creator)}`)];
  }
  const fields = creator as Record<string, unknown>;
  return [
    ...requiredStringIssues(fields.full_name, `${path}.full_name`),
    ...requiredStringIssues(fields.email, `${path}.email`),
    ...rolesIssues(fields.roles, `${path}.roles`),
    ...optionalCodeIssues(fields.ipi, `${path}.ipi`, IPI_PATTERN, 'must be 1 to 11 ASCII digits'),
    ...optionalCodeIssues(
      fields.isni,
      `${path}.isni`,
      ISNI_PATTERN,
      'must be 16 characters 0-9 or X',
    ),
  ];
}

/** Throws `AtsValidationError` listing `issues`, if any. */
export function throwIfIssues(
  issues: ValidationIssue[],
  message = 'Invalid commitment input',
): void {
  if (issues.length > 0) throw new AtsValidationError(message, { issues });
}

function rolesIssues(roles: unknown, path: string): ValidationIssue[] {
  const atLeastOne = issue(
    path,
    'too_few',
    `must include at least one of ${ROLE_NAMES.join(', ')}`,
  );
  if (Array.isArray(roles)) {
    const issues: ValidationIssue[] = [];
    roles.forEach((name, index) => {
      if (typeof name !== 'string' || !Object.hasOwn(ROLE_TAGS, name)) {
        issues.push(issue(`${path}[${index}]`, 'invalid_value', unknownRoleMessage(name)));
      }
    });
    if (roles.length === 0) issues.push(atLeastOne);
    return issues;
  }
  if (typeof roles === 'object' && roles !== null) {
    const issues: ValidationIssue[] = [];
    let held = 0;
    for (const [name, value] of Object.entries(roles)) {
      if (!Object.hasOwn(ROLE_TAGS, name)) {
        issues.push(
          issue(
            `${path}.${name}`,
            'invalid_value',
            `is not a role; roles are ${ROLE_NAMES.join(', ')}`,
          ),
        );
      } else if (value !== undefined && typeof value !== 'boolean') {
        issues.push(
          issue(`${path}.${name}`, 'invalid_type', `must be true or false, got ${describe(value)}`),
        );
      } else if (value === true) {
        held++;
      }
    }
    if (held === 0 && issues.length === 0) issues.push(atLeastOne);
    return issues;
  }
  return [
    issue(
      path,
      'invalid_type',
      `must be an object of booleans ({ author: true }) or a list of role names, got ${describe(roles)}`,
    ),
  ];
}

function requiredStringIssues(value: unknown, path: string): ValidationIssue[] {
  if (typeof value !== 'string') {
    const code = value === undefined || value === null ? 'required' : 'invalid_type';
    return [issue(path, code, `must be a non-empty string, got ${describe(value)}`)];
  }
  if (value.length === 0) return [issue(path, 'required', 'must not be empty')];
  if (hasUnpairedSurrogate(value)) {
    return [issue(path, 'invalid_value', UNPAIRED_SURROGATE_MESSAGE)];
  }
  return [];
}

function optionalCodeIssues(
  value: unknown,
  path: string,
  pattern: RegExp,
  rule: string,
): ValidationIssue[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') {
    return [issue(path, 'invalid_type', `${rule}, or null when absent; got ${describe(value)}`)];
  }
  return pattern.test(value) ? [] : [issue(path, 'invalid_format', rule)];
}

function issue(path: string, code: string, message: string): ValidationIssue {
  return { path, code, message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
