import * as z from 'zod';
import {
  AccessCodeSchema,
  AtsIdSchema,
  BlockNumberSchema,
  HexHashSchema,
  knownOrString,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
  VersionNumberSchema,
} from './common';
import { ErrorBodySchema, ErrorCodeSchema } from './errors';

// Transactions (api.md §7, §14.2): status route, result, WebSocket frames.

/** The transaction kinds: a registration or a new version. */
export const TRANSACTION_TYPES = ['register', 'add_version'] as const;
export type KnownTransactionType = (typeof TRANSACTION_TYPES)[number];

/** A transaction type; unknown types are accepted. */
export const TransactionTypeSchema = knownOrString(TRANSACTION_TYPES);
export type TransactionType = z.infer<typeof TransactionTypeSchema>;

/**
 * The steps the sandbox goes through and their progress (§14.2). Real servers may add steps or
 * use other percentages: clients show the server's `progress`.
 */
export const TRANSACTION_STEP_PROGRESS = {
  validating: 5,
  preparing_transaction: 20,
  signing: 40,
  submitting: 60,
  confirming: 80,
  completed: 100,
  failed: 100,
} as const;

/** The known step names, in order (`failed` can follow any of them). */
export const TRANSACTION_STEPS = [
  'validating',
  'preparing_transaction',
  'signing',
  'submitting',
  'confirming',
  'completed',
  'failed',
] as const satisfies readonly (keyof typeof TRANSACTION_STEP_PROGRESS)[];
export type KnownTransactionStep = (typeof TRANSACTION_STEPS)[number];

/** The steps that end a transaction. */
export const TERMINAL_TRANSACTION_STEPS = ['completed', 'failed'] as const;

/** A step name: a known step or any other string a server sends (e.g. `transferring_tokens`). */
export const TransactionStepSchema = knownOrString(TRANSACTION_STEPS);
export type TransactionStep = z.infer<typeof TransactionStepSchema>;

/** A progress percentage, 0–100 (the server's value, shown as is). */
export const ProgressSchema = z.number().min(0).max(100);

/**
 * A transaction's failure: `{ code, message }`. A plain string (which clients also accept) parses
 * to `{ code: 'transaction.failed', message: <the string> }`.
 */
export const TransactionErrorSchema = z.union([
  z.object({ code: ErrorCodeSchema, message: z.string() }),
  z.string().transform((message) => ({ code: 'transaction.failed' as const, message })),
]);
export type TransactionError = z.infer<typeof TransactionErrorSchema>;

/** Chain facts shared by a result and a terminal frame's `details`; absent ones parse to `null`. */
const OutcomeFields = {
  tx_hash: nullWhenAbsent(HexHashSchema),
  block_number: nullWhenAbsent(BlockNumberSchema),
  block_hash: nullWhenAbsent(HexHashSchema),
  ats_id: nullWhenAbsent(AtsIdSchema),
  work_id: nullWhenAbsent(UuidSchema),
  version: nullWhenAbsent(VersionNumberSchema),
  explorer_url: nullWhenAbsent(z.string()),
  access_code: nullWhenAbsent(AccessCodeSchema),
  error: nullWhenAbsent(TransactionErrorSchema),
};

/** `result` of a finished transaction (§7.1); `tx_hash`/`block_*` are null if it failed early. */
export const TransactionResultSchema = z.object({ success: z.boolean(), ...OutcomeFields });
export type TransactionResult = z.infer<typeof TransactionResultSchema>;
export type TransactionResultWire = z.input<typeof TransactionResultSchema>;

/** One reached step in `steps[]`. */
export const TransactionStepEntrySchema = z.object({
  step: TransactionStepSchema,
  progress: ProgressSchema,
  description: z.string(),
  timestamp: TimestampSchema,
});
export type TransactionStepEntry = z.infer<typeof TransactionStepEntrySchema>;

/** `GET /v1/transactions/{transaction_id}` answer. */
export const TransactionStatusSchema = z.object({
  id: UuidSchema,
  transaction_type: TransactionTypeSchema,
  network: nullWhenAbsent(NetworkSchema),
  current_step: TransactionStepSchema,
  progress: ProgressSchema,
  description: z.string(),
  is_complete: z.boolean(),
  result: nullWhenAbsent(TransactionResultSchema),
  steps: z.array(TransactionStepEntrySchema),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type TransactionStatus = z.infer<typeof TransactionStatusSchema>;
export type TransactionStatusWire = z.input<typeof TransactionStatusSchema>;

/** `details` of a terminal `update` frame: the result's chain facts. */
export const TransactionUpdateDetailsSchema = z.object({
  success: nullWhenAbsent(z.boolean()),
  ...OutcomeFields,
});
export type TransactionUpdateDetails = z.infer<typeof TransactionUpdateDetailsSchema>;

/** WebSocket frame `connected`: first frame of every socket. */
export const ConnectedFrameSchema = z.object({
  type: z.literal('connected'),
  transaction_id: UuidSchema,
});

/**
 * WebSocket frame `update`: a step transition. `details` only on `completed`/`failed`; a terminal
 * frame without it means "read the status route".
 */
export const UpdateFrameSchema = z.object({
  type: z.literal('update'),
  step: TransactionStepSchema,
  progress: ProgressSchema,
  description: z.string(),
  timestamp: TimestampSchema,
  details: nullWhenAbsent(TransactionUpdateDetailsSchema),
});

/** WebSocket frame `error`: the server cannot go on (close 1011). */
export const ErrorFrameSchema = z.object({ type: z.literal('error'), error: ErrorBodySchema });

/** WebSocket frame `not_found`: unknown transaction (close 4404). */
export const NotFoundFrameSchema = z.object({
  type: z.literal('not_found'),
  transaction_id: z.string(),
});

/** A server-to-client frame of `/v1/ws/transactions/{id}`, discriminated on `type`. */
export const TransactionFrameSchema = z.discriminatedUnion('type', [
  ConnectedFrameSchema,
  UpdateFrameSchema,
  ErrorFrameSchema,
  NotFoundFrameSchema,
]);
export type TransactionFrame = z.infer<typeof TransactionFrameSchema>;
export type TransactionFrameWire = z.input<typeof TransactionFrameSchema>;
export type ConnectedFrame = z.infer<typeof ConnectedFrameSchema>;
export type UpdateFrame = z.infer<typeof UpdateFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
export type NotFoundFrame = z.infer<typeof NotFoundFrameSchema>;
