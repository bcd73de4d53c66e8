export {
  migrateWebhooks,
  WEBHOOK_ANSWER_TIMEOUT_MS,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_DELAYS_MS,
  WEBHOOK_TABLES,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEnqueueInput,
  type WebhookFetch,
  type WebhookLog,
  WebhookOutbox,
  type WebhookOutboxOptions,
} from './webhook-outbox';
export {
  buildWebhookPayload,
  type WebhookPayloadInput,
  type WebhookTime,
  type WorkFailedPayloadInput,
  type WorkFinalizedPayloadInput,
} from './webhook-payload';
