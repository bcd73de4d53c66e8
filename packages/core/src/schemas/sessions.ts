import * as z from 'zod';
import {
  AtsIdSchema,
  ExternalUserRefSchema,
  MaxFileSizeBytesSchema,
  NetworkSchema,
  nullWhenAbsent,
  SecretKeySchema,
} from './common';
import { requiredOr } from './messages';

// Widget sessions (api.md §11, widget.md §6): `POST /v1/sessions` on the organizations host.

/** What a session token may do (api.md §3.2). */
export const SESSION_ACTION_TYPES = ['register', 'update_version', 'access'] as const;

/** A session `action_type`. */
export const SessionActionTypeSchema = z.enum(SESSION_ACTION_TYPES, {
  error: requiredOr('must be "register", "update_version" or "access"'),
});
export type SessionActionType = z.infer<typeof SessionActionTypeSchema>;

/** Session token lifetime in seconds. */
export const SESSION_TOKEN_TTL_SECONDS = 300;

/**
 * `POST /v1/sessions` body, sent by the integrator's backend with its secret key. `allowed_ats_id`
 * pins one work and is refused with `register`.
 */
export const CreateSessionRequestSchema = z
  .strictObject({
    secret_key: SecretKeySchema,
    action_type: SessionActionTypeSchema,
    allowed_network: NetworkSchema,
    allowed_ats_id: AtsIdSchema.nullish(),
    external_user_ref: ExternalUserRefSchema.nullish(),
    max_file_size_bytes: MaxFileSizeBytesSchema.nullish(),
  })
  .superRefine((body, ctx) => {
    if (body.action_type === 'register' && body.allowed_ats_id != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowed_ats_id'],
        input: body.allowed_ats_id,
        params: { field_code: 'invalid_value' },
        message: 'must be omitted with action_type "register" (a registration has no work yet)',
      });
    }
  });
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

/** `POST /v1/sessions` answer: an opaque JWT and its lifetime in seconds. */
export const CreateSessionResponseSchema = z.object({
  token: z.string(),
  expires_in: z.number().int().positive(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>;

/**
 * The claims of a sandbox session JWT (sandbox choice). Clients never decode tokens; this is for
 * the sandbox that signs and checks them.
 */
export const SessionTokenClaimsSchema = z.object({
  jti: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
  org: z.string(),
  site_key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  action_type: SessionActionTypeSchema,
  allowed_network: NetworkSchema,
  allowed_ats_id: nullWhenAbsent(AtsIdSchema),
  external_user_ref: nullWhenAbsent(z.string()),
  max_file_size_bytes: nullWhenAbsent(z.number().int().positive()),
});
export type SessionTokenClaims = z.infer<typeof SessionTokenClaimsSchema>;
export type SessionTokenClaimsWire = z.input<typeof SessionTokenClaimsSchema>;
