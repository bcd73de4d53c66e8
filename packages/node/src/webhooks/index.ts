export {
  createFetchWebhookHandler,
  type FetchWebhookHandler,
} from './fetch-webhook-handler';
export { createNodeWebhookHandler, type NodeWebhookHandler } from './node-webhook-handler';
export type { WebhookRawBody } from './raw-body';
export {
  type SignedWebhook,
  type SignWebhookPayloadOptions,
  signWebhookPayload,
} from './sign-webhook-payload';
export { type VerifyWebhookOptions, verifyWebhook } from './verify-webhook';
export {
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  type WebhookDeliveryContext,
  type WebhookHandlerOptions,
} from './webhook-handler-options';
export { generateWebhookSecret, WEBHOOK_SECRET_BYTES } from './webhook-secret';
