import * as z from 'zod';
import {
  AccessCodeSchema,
  AtsIdSchema,
  BlockNumberSchema,
  HexHashSchema,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
  VersionNumberSchema,
} from './common';
import { ErrorCodeSchema } from './errors';
import { TransactionTypeSchema } from './transactions';

// Webhook payloads (api.md §12). Receivers deduplicate on `transaction_id` + `event`.

/** The webhook events the spec defines. Receivers must accept others. */
export const WEBHOOK_EVENTS = ['work_registered', 'work_updated', 'work_failed'] as const;
export type KnownWebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Webhook request headers (lowercase, as Node exposes them). */
export const WEBHOOK_HEADERS = {
  signature: 'x-allfeat-signature',
  timestamp: 'x-allfeat-timestamp',
  delivery: 'x-allfeat-delivery',
} as const;

const EventBase = {
  transaction_id: UuidSchema,
  organization_id: UuidSchema,
  api_key_id: UuidSchema,
  external_user_ref: nullWhenAbsent(z.string()),
};

const SuccessFields = {
  ...EventBase,
  network: NetworkSchema,
  ats_id: AtsIdSchema,
  tx_hash: HexHashSchema,
  block_number: BlockNumberSchema,
  block_hash: HexHashSchema,
  explorer_url: z.string(),
  access_code: nullWhenAbsent(AccessCodeSchema),
  finalized_at: TimestampSchema,
  // Sandbox extras.
  work_id: nullWhenAbsent(UuidSchema),
  version: nullWhenAbsent(VersionNumberSchema),
};

/** `work_registered`: a registration reached finality. */
export const WorkRegisteredEventSchema = z.object({
  event: z.literal('work_registered'),
  ...SuccessFields,
});
export type WorkRegisteredEvent = z.infer<typeof WorkRegisteredEventSchema>;

/** `work_updated`: a new version reached finality (`access_code` is null). */
export const WorkUpdatedEventSchema = z.object({
  event: z.literal('work_updated'),
  ...SuccessFields,
});
export type WorkUpdatedEvent = z.infer<typeof WorkUpdatedEventSchema>;

/** `work_failed`: the transaction failed and was refunded. `reason` is human text. */
export const WorkFailedEventSchema = z.object({
  event: z.literal('work_failed'),
  ...EventBase,
  failed_at: TimestampSchema,
  reason: z.string(),
  // Sandbox extras.
  network: nullWhenAbsent(NetworkSchema),
  ats_id: nullWhenAbsent(AtsIdSchema),
  tx_hash: nullWhenAbsent(HexHashSchema),
  transaction_type: nullWhenAbsent(TransactionTypeSchema),
  error_code: nullWhenAbsent(ErrorCodeSchema),
});
export type WorkFailedEvent = z.infer<typeof WorkFailedEventSchema>;

/** The events this version knows, discriminated on `event`. */
export const KnownWebhookEventSchema = z.discriminatedUnion('event', [
  WorkRegisteredEventSchema,
  WorkUpdatedEventSchema,
  WorkFailedEventSchema,
]);
export type KnownWebhookEvent = z.infer<typeof KnownWebhookEventSchema>;
export type KnownWebhookEventWire = z.input<typeof KnownWebhookEventSchema>;

/**
 * Fallback for an event this version does not know: any object whose `event` is a string other
 * than the known names, every field kept. A malformed known event does not fall back here.
 */
export const UnknownWebhookEventSchema = z.looseObject({
  event: z.string().refine((name) => !(WEBHOOK_EVENTS as readonly string[]).includes(name), {
    message: 'is a known event name; the payload does not match that event',
  }),
});
export type UnknownWebhookEvent = z.infer<typeof UnknownWebhookEventSchema>;

/** A webhook payload: a known event, or the fallback shape for events added later. */
export const WebhookEventSchema = z.union([KnownWebhookEventSchema, UnknownWebhookEventSchema]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/**
 * Tells a known event from the fallback shape, so that a `switch` on `event` narrows.
 *
 * @example
 * const event = WebhookEventSchema.parse(JSON.parse(body));
 * if (isKnownWebhookEvent(event) && event.event === 'work_registered') console.log(event.ats_id);
 */
export function isKnownWebhookEvent(event: WebhookEvent): event is KnownWebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(event.event);
}
