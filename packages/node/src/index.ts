// Public surface of @ats-kit/node, the server-side SDK. Each area lives in its own folder.

// What the functions above return or throw, so that a server needs one import.
export {
  AtsApiError,
  AtsError,
  AtsSignatureVerificationError,
  AtsValidationError,
  isKnownWebhookEvent,
  type KnownWebhookEvent,
  type Network,
  type SessionActionType,
  type SignatureFailureReason,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WorkFailedEvent,
  type WorkRegisteredEvent,
  type WorkUpdatedEvent,
} from '@ats-kit/core';
export * from './sessions';
export * from './webhooks';
