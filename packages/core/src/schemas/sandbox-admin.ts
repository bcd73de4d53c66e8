import * as z from 'zod';
import {
  ApiKeyTokenSchema,
  BlockNumberSchema,
  CreditsSchema,
  knownOrString,
  MaxFileSizeBytesSchema,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
} from './common';
import { requiredOr } from './messages';

// Sandbox-only administration (api.md §17): `/_sandbox/...`. Not part of Allfeat's API.
// Bodies sent by tests and tools are strict; answers are lenient like every response.

// ---------------------------------------------------------------------------------------------
// Fee schedule (fees.md), as data

const Credit = z.number().int().nonnegative();
const BasisPoints = z.number().int().nonnegative();

type ObjectFactory = typeof z.object | typeof z.strictObject;

// Defaults are shared module state: frozen so that no caller can change them for everyone.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// Built twice: strict for what we send (settings PUT), lenient for what we read back.
function feeScheduleSchema(object: ObjectFactory) {
  return object({
    register: object({
      network_fee: Credit,
      base_deposit: Credit,
      version_deposit: Credit,
      service_fee_bps: BasisPoints,
    }),
    update: object({
      network_fee: Credit,
      version_deposit: Credit,
      service_fee_bps: BasisPoints,
    }),
    storage: object({
      free_bytes: z.number().int().nonnegative(),
      tiers: z
        .array(object({ up_to_mib: z.number().int().positive(), credits_per_mib: Credit }))
        .min(1, { error: 'must list at least one storage tier' }),
    }),
    max_asset_bytes: z.number().int().positive(),
  }).superRefine((schedule, ctx) => {
    const { tiers } = schedule.storage;
    tiers.forEach((tier, index) => {
      const previous = index > 0 ? tiers[index - 1] : undefined;
      if (previous && tier.up_to_mib <= previous.up_to_mib) {
        ctx.addIssue({
          code: 'custom',
          path: ['storage', 'tiers', index, 'up_to_mib'],
          input: tier.up_to_mib,
          params: { field_code: 'invalid_value' },
          message: `must be greater than the previous tier's ${previous.up_to_mib}; list tiers in ascending order`,
        });
      }
    });
  });
}

/**
 * The fee schedule as data (fees.md), the `fees` field of `/_sandbox/settings`; its parsed value is
 * the `FeeSchedule` the fee functions price with (`DEFAULT_FEE_SCHEDULE` lives with them):
 *
 * - `register`: `network_fee`, `base_deposit`, `version_deposit` (deposit = base + version) and
 *   `service_fee_bps` (service fee = ceil(network_fee × bps / 10000));
 * - `update`: `network_fee`, `version_deposit`, `service_fee_bps`;
 * - `storage`: `free_bytes` (no storage fee up to this size) and `tiers` strictly ascending by
 *   `up_to_mib`: every started MiB beyond `free_bytes` costs the `credits_per_mib` of the first
 *   tier whose `up_to_mib` is at least that MiB's number (past the last tier: its rate);
 * - `max_asset_bytes`: the largest file on either network.
 *
 * All amounts are integer credits. Strict: this is the settings PUT form.
 */
export const FeeScheduleSchema = feeScheduleSchema(z.strictObject);

// ---------------------------------------------------------------------------------------------
// Health, reset

/** `GET /_sandbox/health` answer. */
export const SandboxHealthSchema = z.object({
  status: z.string(),
  version: z.string(),
  now: TimestampSchema,
});
export type SandboxHealth = z.infer<typeof SandboxHealthSchema>;

// ---------------------------------------------------------------------------------------------
// Organizations and credits

/** A testnet confirm quota: `limit` confirms per fixed `period_seconds` window. */
export const TestnetQuotaSchema = z.strictObject({
  limit: z.number().int().nonnegative(),
  period_seconds: z.number().int().positive(),
});
export type TestnetQuota = z.infer<typeof TestnetQuotaSchema>;

/** Credit balances per network. */
export const CreditBalancesSchema = z.object({ testnet: CreditsSchema, mainnet: CreditsSchema });
export type CreditBalances = z.infer<typeof CreditBalancesSchema>;

/** `POST /_sandbox/organizations` body. */
export const CreateOrganizationRequestSchema = z.strictObject({
  name: z.string().min(1),
  credits: z.strictObject({ testnet: Credit.optional(), mainnet: Credit.optional() }).optional(),
  testnet_quota: TestnetQuotaSchema.nullish(),
});
export type CreateOrganizationRequest = z.infer<typeof CreateOrganizationRequestSchema>;

/** `PATCH /_sandbox/organizations/{org}` body (`testnet_quota: null` removes the quota). */
export const UpdateOrganizationRequestSchema = z.strictObject({
  is_active: z.boolean().optional(),
  testnet_quota: TestnetQuotaSchema.nullish(),
});
export type UpdateOrganizationRequest = z.infer<typeof UpdateOrganizationRequestSchema>;

/** An organization as the admin routes answer it. */
export const OrganizationSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  is_active: z.boolean(),
  owner_address: z.string(),
  credits: CreditBalancesSchema,
  testnet_quota: nullWhenAbsent(
    z.object({ limit: z.number().int(), period_seconds: z.number().int() }),
  ),
  created_at: TimestampSchema,
});
export type Organization = z.infer<typeof OrganizationSchema>;
export type OrganizationWire = z.input<typeof OrganizationSchema>;

/** `POST /_sandbox/organizations/{org}/credits` body: an integer top-up (may be negative). */
export const TopUpCreditsRequestSchema = z.strictObject({
  network: NetworkSchema,
  amount: z.number({ error: requiredOr('must be a whole number of credits') }).int({
    error: 'must be a whole number of credits',
  }),
});
export type TopUpCreditsRequest = z.infer<typeof TopUpCreditsRequestSchema>;

// ---------------------------------------------------------------------------------------------
// API keys

/** The API key scopes (api.md §3.2). */
export const API_KEY_SCOPES = ['works:register', 'works:update', 'works:read'] as const;

/** An API key scope. */
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES, {
  error: requiredOr('must be "works:register", "works:update" or "works:read"'),
});
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** Most active keys per organization. */
export const MAX_ACTIVE_API_KEYS = 10;

/** `POST /_sandbox/organizations/{org}/api-keys` body. `token` fixes the value for fixtures. */
export const CreateApiKeyRequestSchema = z.strictObject({
  name: z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' }),
  scopes: z
    .array(ApiKeyScopeSchema)
    .min(1, { error: 'must list at least one scope: works:register, works:update or works:read' }),
  webhook_url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).nullish(),
  max_file_size_bytes: MaxFileSizeBytesSchema.nullish(),
  token: ApiKeyTokenSchema.nullish(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

const ApiKeyScopeReadSchema = knownOrString(API_KEY_SCOPES);

/** An API key as listed: no token, no secret. */
export const ApiKeySchema = z.object({
  id: UuidSchema,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ApiKeyScopeReadSchema),
  webhook_url: nullWhenAbsent(z.string()),
  max_file_size_bytes: nullWhenAbsent(z.number().int()),
  created_at: TimestampSchema,
  last_used_at: nullWhenAbsent(TimestampSchema),
  revoked_at: nullWhenAbsent(TimestampSchema),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type ApiKeyWire = z.input<typeof ApiKeySchema>;

/** The create answer: the only time `token` and `webhook_secret_base64` are shown. */
export const ApiKeyCreatedSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  prefix: z.string(),
  token: z.string(),
  scopes: z.array(ApiKeyScopeReadSchema),
  webhook_url: nullWhenAbsent(z.string()),
  webhook_secret_base64: nullWhenAbsent(z.string()),
  max_file_size_bytes: nullWhenAbsent(z.number().int()),
  created_at: TimestampSchema,
});
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;
export type ApiKeyCreatedWire = z.input<typeof ApiKeyCreatedSchema>;

/** `GET /_sandbox/organizations/{org}/api-keys` answer. */
export const ApiKeyListSchema = z.object({ api_keys: z.array(ApiKeySchema) });
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;

// ---------------------------------------------------------------------------------------------
// Sites (widget)

/** Sandbox site key format (fixtures): `cpk_` + 32 lowercase hex. */
export const SandboxSiteKeySchema = z
  .string()
  .regex(/^cpk_[0-9a-f]{32}$/, { error: 'must be cpk_ followed by 32 lowercase hex digits' });

/** Sandbox secret key format (fixtures): `csk_` + 32 lowercase hex. */
export const SandboxSecretKeySchema = z
  .string()
  .regex(/^csk_[0-9a-f]{32}$/, { error: 'must be csk_ followed by 32 lowercase hex digits' });

const AllowedOriginsSchema = z.array(
  z.string().min(1, { error: 'must be a host such as shop.example.com or *.example.com' }),
);

/** `POST /_sandbox/organizations/{org}/sites` body. */
export const CreateSiteRequestSchema = z.strictObject({
  name: z.string().min(1),
  allowed_origins: AllowedOriginsSchema,
  widget_enabled: z.boolean().optional(),
  max_file_size_bytes: MaxFileSizeBytesSchema.nullish(),
  site_key: SandboxSiteKeySchema.nullish(),
  secret_key: SandboxSecretKeySchema.nullish(),
});
export type CreateSiteRequest = z.infer<typeof CreateSiteRequestSchema>;

/** `PATCH /_sandbox/organizations/{org}/sites/{id}` body. */
export const UpdateSiteRequestSchema = z.strictObject({
  allowed_origins: AllowedOriginsSchema.optional(),
  widget_enabled: z.boolean().optional(),
  is_active: z.boolean().optional(),
  max_file_size_bytes: MaxFileSizeBytesSchema.nullish(),
});
export type UpdateSiteRequest = z.infer<typeof UpdateSiteRequestSchema>;

/** A site as the PATCH answers it (no `secret_key`). */
export const SiteSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  site_key: z.string(),
  allowed_origins: z.array(z.string()),
  widget_enabled: z.boolean(),
  is_active: z.boolean(),
  max_file_size_bytes: nullWhenAbsent(z.number().int()),
  created_at: TimestampSchema,
});
export type Site = z.infer<typeof SiteSchema>;
export type SiteWire = z.input<typeof SiteSchema>;

/** The site create answer: the only time `secret_key` is shown. */
export const SiteCreatedSchema = SiteSchema.extend({ secret_key: z.string() });
export type SiteCreated = z.infer<typeof SiteCreatedSchema>;
export type SiteCreatedWire = z.input<typeof SiteCreatedSchema>;

// ---------------------------------------------------------------------------------------------
// Webhook deliveries

/** Delivery states; `dead` is the dead-letter queue. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

/** `GET /_sandbox/webhooks/deliveries` query. */
export const ListDeliveriesQuerySchema = z.strictObject({
  status: z
    .enum(WEBHOOK_DELIVERY_STATUSES, {
      error: requiredOr('must be "pending", "delivered" or "dead"'),
    })
    .optional(),
  transaction_id: z.string().optional(),
});
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuerySchema>;

/** One delivery attempt; `http_status` or `error` is null depending on what happened. */
export const DeliveryAttemptSchema = z.object({
  n: z.number().int().positive(),
  at: TimestampSchema,
  http_status: nullWhenAbsent(z.number().int()),
  error: nullWhenAbsent(z.string()),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

/**
 * A webhook delivery. `body` is the payload: the exact JSON text sent, or the parsed object (the
 * spec does not pin which).
 */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  api_key_id: UuidSchema,
  url: z.string(),
  event: z.string(),
  transaction_id: UuidSchema,
  status: knownOrString(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.array(DeliveryAttemptSchema),
  next_attempt_at: nullWhenAbsent(TimestampSchema),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export type WebhookDeliveryWire = z.input<typeof WebhookDeliverySchema>;

/** `GET /_sandbox/webhooks/deliveries` answer. */
export const WebhookDeliveryListSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryListSchema>;

/** `POST /_sandbox/webhooks/dlq/replay` body: `ids` absent = every dead delivery. Answers `202`. */
export const ReplayDeadLettersRequestSchema = z.strictObject({
  ids: z.array(z.string().min(1)).optional(),
});
export type ReplayDeadLettersRequest = z.infer<typeof ReplayDeadLettersRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Clock and chain

const PerNetworkMs = z.strictObject({
  testnet: z.number().int().positive().optional(),
  mainnet: z.number().int().positive().optional(),
});

/** `PUT /_sandbox/clock` body. */
export const UpdateClockRequestSchema = z.strictObject({
  time_scale: z
    .number()
    .positive({ error: 'must be greater than 0 (1 = wall-clock speed)' })
    .optional(),
  paused: z.boolean().optional(),
  block_time_ms: PerNetworkMs.optional(),
});
export type UpdateClockRequest = z.infer<typeof UpdateClockRequestSchema>;

/** `POST /_sandbox/clock/advance` body: virtual milliseconds to run. */
export const AdvanceClockRequestSchema = z.strictObject({
  ms: z.number().int().nonnegative({ error: 'must be 0 or more milliseconds' }),
});
export type AdvanceClockRequest = z.infer<typeof AdvanceClockRequestSchema>;

/** The clock as `/_sandbox/clock` answers it. */
export const SandboxClockSchema = z.object({
  now: TimestampSchema,
  time_scale: z.number(),
  paused: z.boolean(),
  block_time_ms: z.object({ testnet: z.number().int(), mainnet: z.number().int() }),
  heights: z.object({ testnet: BlockNumberSchema, mainnet: BlockNumberSchema }),
});
export type SandboxClock = z.infer<typeof SandboxClockSchema>;

/** `POST /_sandbox/chain/{network}/blocks` body: how many blocks to produce (default 1). */
export const ProduceBlocksRequestSchema = z.strictObject({
  count: z.number().int().positive().optional(),
});
export type ProduceBlocksRequest = z.infer<typeof ProduceBlocksRequestSchema>;

/** `POST /_sandbox/chain/{network}/blocks` answer: the new height. */
export const ProduceBlocksResponseSchema = z.object({
  network: NetworkSchema,
  height: BlockNumberSchema,
});
export type ProduceBlocksResponse = z.infer<typeof ProduceBlocksResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Settings

/** How testnet quotes are shown: waived components as 0 (default) or the gross amounts. */
export const TESTNET_QUOTE_MODES = ['waived-as-zero', 'gross'] as const;

const TestnetQuoteModeSchema = z.enum(TESTNET_QUOTE_MODES, {
  error: requiredOr('must be "waived-as-zero" or "gross"'),
});

/** `PUT /_sandbox/settings` body: the settings to change (a given `fees` replaces the schedule). */
export const UpdateSandboxSettingsRequestSchema = z.strictObject({
  fees: FeeScheduleSchema.optional(),
  testnet_quote: TestnetQuoteModeSchema.optional(),
  retain_testnet_assets: z.boolean().optional(),
  confirm_concurrency: z.number().int().positive().optional(),
  job_ttl_seconds: z.number().int().positive().optional(),
  cors_extra_origins: z.array(z.string()).optional(),
});
export type UpdateSandboxSettingsRequest = z.infer<typeof UpdateSandboxSettingsRequestSchema>;

/** `/_sandbox/settings` answer: every setting. */
export const SandboxSettingsSchema = z.object({
  fees: feeScheduleSchema(z.object),
  testnet_quote: knownOrString(TESTNET_QUOTE_MODES),
  retain_testnet_assets: z.boolean(),
  confirm_concurrency: z.number().int(),
  job_ttl_seconds: z.number().int(),
  cors_extra_origins: z.array(z.string()),
});
export type SandboxSettings = z.infer<typeof SandboxSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// Faults

/** When an injected 5xx happens relative to the route's effect. */
export const FAULT_PHASES = ['before', 'after', 'mixed'] as const;

const Rate = z
  .number()
  .min(0, { error: 'must be a rate from 0 to 1' })
  .max(1, { error: 'must be a rate from 0 to 1' });

/** A forced answer: requests matching `method` and `path` (glob) get `status` + `code`. */
export const FaultRuleSchema = z.strictObject({
  method: z.string().min(1),
  path: z.string().min(1),
  status: z.number().int().min(100).max(599),
  code: z.string().min(1),
  message: z.string().nullish(),
  details: z.record(z.string(), z.unknown()).nullish(),
  retry_after: z.number().int().nonnegative().nullish(),
  times: z.number().int().positive().nullish(),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

const LatencySchema = z
  .strictObject({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
  .refine((latency) => latency.min <= latency.max, {
    message: 'must have min less than or equal to max',
    path: ['max'],
    params: { field_code: 'invalid_value' },
  });

/** `PUT /_sandbox/faults` body: omitted fields take their defaults (rates 0, no rules). */
export const UpdateFaultsRequestSchema = z.strictObject({
  seed: z.number().int().optional(),
  api_5xx_rate: Rate.optional(),
  api_5xx_phase: z
    .enum(FAULT_PHASES, { error: requiredOr('must be "before", "after" or "mixed"') })
    .optional(),
  api_429_rate: Rate.optional(),
  retry_after_seconds: z.number().int().nonnegative().optional(),
  upload_failure_rate: Rate.optional(),
  upload_stall_rate: Rate.optional(),
  upload_stall_ms: z.number().int().nonnegative().optional(),
  ws_drop_rate: Rate.optional(),
  chain_failure_rate: Rate.optional(),
  dry_run_failure_rate: Rate.optional(),
  latency_ms: LatencySchema.nullish(),
  rules: z.array(FaultRuleSchema).optional(),
});
export type UpdateFaultsRequest = z.infer<typeof UpdateFaultsRequestSchema>;

/** `/_sandbox/faults` answer: every fault setting. */
export const SandboxFaultsSchema = z.object({
  seed: nullWhenAbsent(z.number().int()),
  api_5xx_rate: z.number(),
  api_5xx_phase: knownOrString(FAULT_PHASES),
  api_429_rate: z.number(),
  retry_after_seconds: z.number().int(),
  upload_failure_rate: z.number(),
  upload_stall_rate: z.number(),
  upload_stall_ms: z.number().int(),
  ws_drop_rate: z.number(),
  chain_failure_rate: z.number(),
  dry_run_failure_rate: z.number(),
  latency_ms: nullWhenAbsent(z.object({ min: z.number().int(), max: z.number().int() })),
  rules: z.array(
    z.object({
      method: z.string(),
      path: z.string(),
      status: z.number().int(),
      code: z.string(),
      message: nullWhenAbsent(z.string()),
      details: nullWhenAbsent(z.record(z.string(), z.unknown())),
      retry_after: nullWhenAbsent(z.number().int()),
      times: nullWhenAbsent(z.number().int()),
    }),
  ),
});
export type SandboxFaults = z.infer<typeof SandboxFaultsSchema>;
export type SandboxFaultsWire = z.input<typeof SandboxFaultsSchema>;

/** The faults the sandbox starts with: nothing injected. Frozen. */
export const DEFAULT_SANDBOX_FAULTS: SandboxFaults = deepFreeze({
  seed: null,
  api_5xx_rate: 0,
  api_5xx_phase: 'before',
  api_429_rate: 0,
  retry_after_seconds: 1,
  upload_failure_rate: 0,
  upload_stall_rate: 0,
  upload_stall_ms: 0,
  ws_drop_rate: 0,
  chain_failure_rate: 0,
  dry_run_failure_rate: 0,
  latency_ms: null,
  rules: [],
});
