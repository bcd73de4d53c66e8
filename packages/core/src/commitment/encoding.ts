// Canonical byte encoding of protocol v1 (commitment.md, "Canonical encoding"). No Unicode
// normalisation and no trimming: the bytes given are the bytes hashed.
import { AtsValidationError } from '../errors';
import { type CreatorRoles, ROLE_NAMES, ROLE_TAGS, type RoleName } from './model';

const utf8 = new TextEncoder();

/**
 * `encode_string`: the UTF-8 byte length as a 4-byte little-endian unsigned integer, then the
 * bytes. Throws `AtsValidationError` for a string with an unpaired UTF-16 surrogate, which has no
 * UTF-8 form (encoding it would silently hash U+FFFD instead).
 *
 * @example
 * encodeString('Hé'); // 03 00 00 00 48 c3 a9
 */
export function encodeString(value: string): Uint8Array {
  if (hasUnpairedSurrogate(value)) {
    throw new AtsValidationError('Cannot encode the string', {
      issues: [{ path: '', code: 'invalid_value', message: UNPAIRED_SURROGATE_MESSAGE }],
    });
  }
  const bytes = utf8.encode(value);
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, true);
  out.set(bytes, 4);
  return out;
}

/**
 * `encode_optional`: `00` when absent (`null` or `undefined`), `01` then `encode_string(value)`
 * when present. An empty string counts as present.
 *
 * @example
 * encodeOptional(null); // 00
 * encodeOptional('12'); // 01 02 00 00 00 31 32
 */
export function encodeOptional(value: string | null | undefined): Uint8Array {
  if (value === null || value === undefined) return Uint8Array.of(0);
  return concatBytes(Uint8Array.of(1), encodeString(value));
}

/**
 * `encode_roles`: the roles' tags (author 0, composer 1, arranger 2, adapter 3), without
 * duplicates, sorted, after a count byte. Takes role names or the API's object of booleans.
 *
 * @example
 * encodeRoles(['adapter', 'author', 'adapter', 'composer']); // 03 00 01 03
 * encodeRoles({ composer: true, author: false }); // 01 01
 */
export function encodeRoles(roles: CreatorRoles): Uint8Array {
  const tags = roleTags(roles);
  return Uint8Array.of(tags.length, ...tags);
}

/**
 * `encode_creator`: `encode_string(full_name) || encode_string(email) || encode_roles(roles) ||
 * encode_optional(ipi) || encode_optional(isni)`. Does not validate; `creatorLeaf` does.
 *
 * @example
 * encodeCreator({ full_name: 'Ana', email: 'a@x.io', roles: ['author'], ipi: null, isni: null });
 */
export function encodeCreator(creator: {
  full_name: string;
  email: string;
  roles: CreatorRoles;
  ipi?: string | null | undefined;
  isni?: string | null | undefined;
}): Uint8Array {
  return concatBytes(
    encodeString(creator.full_name),
    encodeString(creator.email),
    encodeRoles(creator.roles),
    encodeOptional(creator.ipi),
    encodeOptional(creator.isni),
  );
}

/**
 * The distinct tags of `roles`, ascending. Throws `AtsValidationError` for a name that is not a
 * protocol v1 role, so a typo cannot silently drop a role from the commitment.
 */
export function roleTags(roles: CreatorRoles): number[] {
  const names: readonly unknown[] = Array.isArray(roles)
    ? roles
    : Object.keys(roles).filter((name) => (roles as Record<string, unknown>)[name] === true);
  const tags = new Set<number>();
  for (const name of names) {
    if (typeof name !== 'string' || !Object.hasOwn(ROLE_TAGS, name)) {
      throw new AtsValidationError('Cannot encode the roles', {
        issues: [{ path: 'roles', code: 'invalid_value', message: unknownRoleMessage(name) }],
      });
    }
    tags.add(ROLE_TAGS[name as RoleName]);
  }
  return [...tags].sort((a, b) => a - b);
}

/** Why `name` is not a role, and which names are. */
export function unknownRoleMessage(name: unknown): string {
  const got = typeof name === 'string' ? JSON.stringify(name) : String(name);
  return `must be one of ${ROLE_NAMES.join(', ')}, got ${got}`;
}

/** `a || b || …`: byte concatenation. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const UNPAIRED_SURROGATE_MESSAGE =
  'contains an unpaired UTF-16 surrogate, which has no UTF-8 encoding; fix the text';

/** True when `value` is not well-formed UTF-16 (String.prototype.isWellFormed is ES2024). */
export function hasUnpairedSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
