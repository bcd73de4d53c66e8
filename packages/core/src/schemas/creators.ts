import * as z from 'zod';
import { ROLE_NAMES, ROLE_TAGS, type RoleName } from '../commitment/model';
import { boundedText, FIELD_LIMITS, nullWhenAbsent } from './common';
import { requiredOr } from './messages';

// Creators as sent in write bodies (api.md §4) and as read back (§8.2, certificates).

// Role names (tag order) and tags (author 0, composer 1, arranger 2, adapter 3) are the protocol's,
// defined once with the commitment model; re-exported here next to the schemas that use them.
export { ROLE_NAMES, ROLE_TAGS, type RoleName };

/** The wire roles object with every flag explicit. */
export type RoleFlags = Record<RoleName, boolean>;

const ROLES_FIX = 'must set at least one of author, composer, arranger, adapter to true';

function isRoleName(value: string): value is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(value);
}

/**
 * Turns role names (any case, duplicates allowed) into the wire object of booleans.
 *
 * Unknown names are ignored; validate with `CreatorRolesInputSchema` first when that matters.
 *
 * @example
 * roleFlagsFromNames(['Composer', 'author']); // { author: true, composer: true, arranger: false, adapter: false }
 */
export function roleFlagsFromNames(names: readonly string[]): RoleFlags {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  return {
    author: wanted.has('author'),
    composer: wanted.has('composer'),
    arranger: wanted.has('arranger'),
    adapter: wanted.has('adapter'),
  };
}

/**
 * Lists the roles set to `true` in a roles object, in tag order (missing or `null` flags are false).
 *
 * @example
 * roleNamesFromFlags({ composer: true, author: true }); // ['author', 'composer']
 */
export function roleNamesFromFlags(
  flags: Partial<Record<RoleName, boolean | null | undefined>>,
): RoleName[] {
  return ROLE_NAMES.filter((name) => flags[name] === true);
}

const roleFlag = z.boolean({ error: 'must be true or false' }).nullish();

/**
 * The wire roles object sent in write bodies: booleans `author`, `composer`, `arranger`,
 * `adapter`; a missing or `null` key means `false`; at least one must be `true`.
 */
export const CreatorRoleFlagsSchema = z
  .strictObject(
    { author: roleFlag, composer: roleFlag, arranger: roleFlag, adapter: roleFlag },
    { error: requiredOr('must be an object of booleans such as { "author": true }') },
  )
  .refine((roles) => roleNamesFromFlags(roles).length > 0, {
    message: ROLES_FIX,
    params: { field_code: 'too_few' },
  });
export type CreatorRoleFlags = z.infer<typeof CreatorRoleFlagsSchema>;

const RoleNameInputSchema = z
  .string({ error: requiredOr('must be a role name: author, composer, arranger or adapter') })
  .transform((value, ctx): RoleName => {
    const lower = value.toLowerCase();
    if (isRoleName(lower)) return lower;
    ctx.addIssue({
      code: 'invalid_value',
      values: [...ROLE_NAMES],
      input: value,
      message: 'must be a role name: author, composer, arranger or adapter',
    });
    return z.NEVER;
  });

const RoleNamesInputSchema = z
  .array(RoleNameInputSchema)
  .min(1, { error: ROLES_FIX })
  .transform((names) => roleFlagsFromNames(names));

/**
 * Roles as a caller may give them: the wire object of booleans or an array of role names
 * (`['author', 'composer']`, any case). Parses to the wire object with every flag explicit.
 */
export const CreatorRolesInputSchema = z.union(
  [
    RoleNamesInputSchema,
    CreatorRoleFlagsSchema.transform((roles) => roleFlagsFromNames(roleNamesFromFlags(roles))),
  ],
  {
    error: requiredOr(
      'must be an object of booleans { author, composer, arranger, adapter } or an array of role names',
    ),
  },
);
export type CreatorRolesInput = z.input<typeof CreatorRolesInputSchema>;

const FullNameSchema = boundedText({ max: FIELD_LIMITS.full_name_max_chars, trim: true });

// Sandbox choice (§4): one `@`, no whitespace, a dot inside the domain with text on both sides.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/;

const EmailSchema = boundedText({ max: FIELD_LIMITS.email_max_chars, trim: true }).regex(
  EMAIL_SHAPE,
  { error: 'must look like name@example.com: one @, no spaces, a dot in the domain' },
);

const IpiSchema = z
  .string({ error: 'must be a string of 1 to 11 digits 0-9, or null when unknown' })
  .min(1, { error: 'must be 1 to 11 digits 0-9; pass null when there is no IPI', abort: true })
  .max(FIELD_LIMITS.ipi_max_digits, { error: 'must be at most 11 digits 0-9', abort: true })
  .regex(/^[0-9]+$/, { error: 'must contain only digits 0-9' });

const ISNI_FIX = 'must be 16 characters 0-9 or X';

const IsniSchema = z
  .string({ error: `${ISNI_FIX}, or null when unknown` })
  .length(FIELD_LIMITS.isni_length, { error: ISNI_FIX, abort: true })
  .regex(/^[0-9X]+$/, { error: ISNI_FIX });

/**
 * One creator as sent in a write body (§4): `full_name` and `email` trimmed then 1–255
 * characters, `roles` as the wire object, optional `ipi` (1–11 digits) and `isni` (16 of 0-9/X).
 */
export const CreatorRequestSchema = z.strictObject(
  {
    full_name: FullNameSchema,
    email: EmailSchema,
    roles: CreatorRoleFlagsSchema,
    ipi: IpiSchema.nullish(),
    isni: IsniSchema.nullish(),
  },
  { error: requiredOr('must be an object with full_name, email and roles') },
);
export type CreatorRequest = z.infer<typeof CreatorRequestSchema>;

/**
 * A creator as a caller may give it: like `CreatorRequestSchema`, but `roles` may also be an array
 * of role names. Parses to the wire form (trimmed text, every role flag explicit).
 */
export const CreatorInputSchema = CreatorRequestSchema.extend({ roles: CreatorRolesInputSchema });
export type CreatorInput = z.input<typeof CreatorInputSchema>;
export type Creator = z.output<typeof CreatorInputSchema>;

const creatorsCount = {
  few: `must list at least ${FIELD_LIMITS.creators_min} creator`,
  many: `must list at most ${FIELD_LIMITS.creators_max} creators (the commitment has 32 slots)`,
};

/** The `creators` array of a write body: 1–32 wire creators. */
export const CreatorsRequestSchema = z
  .array(CreatorRequestSchema, { error: requiredOr('must be an array of creators') })
  .min(FIELD_LIMITS.creators_min, { error: creatorsCount.few })
  .max(FIELD_LIMITS.creators_max, { error: creatorsCount.many });

/** The `creators` array as a caller may give it (roles in either form): 1–32 creators. */
export const CreatorsInputSchema = z
  .array(CreatorInputSchema, { error: requiredOr('must be an array of creators') })
  .min(FIELD_LIMITS.creators_min, { error: creatorsCount.few })
  .max(FIELD_LIMITS.creators_max, { error: creatorsCount.many });

// Reads (§8.2): capitalised names in tag order, but clients accept any case and the boolean form.
const ReadRoleNamesSchema = z
  .array(z.string())
  .transform((names) => roleNamesFromFlags(roleFlagsFromNames(names)));

const ReadRoleFlagsSchema = z
  .object({
    author: z.boolean().nullish(),
    composer: z.boolean().nullish(),
    arranger: z.boolean().nullish(),
    adapter: z.boolean().nullish(),
  })
  .transform((flags) => roleNamesFromFlags(flags));

/**
 * A creator as the API returns it (work detail, creators routes, access-code lookup,
 * certificates). `roles` may be names in any case or the boolean object; it parses to lowercase
 * role names in tag order (names the protocol does not know are dropped). Absent identifiers parse
 * to `null`.
 */
export const CreatorReadSchema = z.object({
  full_name: z.string(),
  email: z.string(),
  roles: z.union([ReadRoleNamesSchema, ReadRoleFlagsSchema]),
  ipi: nullWhenAbsent(z.string()),
  isni: nullWhenAbsent(z.string()),
});
export type CreatorRead = z.infer<typeof CreatorReadSchema>;
export type CreatorReadWire = z.input<typeof CreatorReadSchema>;
