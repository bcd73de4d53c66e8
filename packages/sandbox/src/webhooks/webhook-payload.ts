// Webhook bodies (api.md §12), built in one place so every delivery has exactly the documented
// fields, in a fixed order, with the sandbox extras.
import { explorerTxUrl, type KnownWebhookEventWire, type Network, toWireHash } from '@ats-kit/core';

/** A time as the spine holds it: virtual epoch ms, a `Date`, or an ISO string. */
export type WebhookTime = number | Date | string;

/** Input for `work_registered` (a registration) and `work_updated` (a new version) at finality. */
export interface WorkFinalizedPayloadInput {
  event: 'work_registered' | 'work_updated';
  transactionId: string;
  organizationId: string;
  /** The API key that confirmed the transaction. */
  apiKeyId: string;
  externalUserRef?: string | null;
  network: Network;
  atsId: number;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  /** Registrations without a ref only; always `null` in `work_updated`. */
  accessCode?: string | null;
  finalizedAt: WebhookTime;
  workId: string;
  version: number;
}

/** Input for `work_failed`: the transaction failed and was refunded. */
export interface WorkFailedPayloadInput {
  event: 'work_failed';
  transactionId: string;
  organizationId: string;
  apiKeyId: string;
  externalUserRef?: string | null;
  network: Network;
  transactionType: 'register' | 'add_version';
  /** The work's `ats_id`; kept for `add_version` only. */
  atsId?: number | null;
  /** Set when the transaction was included before failing. */
  txHash?: string | null;
  failedAt: WebhookTime;
  /** Human text. */
  reason: string;
  /** Default `transaction.failed`. */
  errorCode?: string;
}

export type WebhookPayloadInput = WorkFinalizedPayloadInput | WorkFailedPayloadInput;

/**
 * Builds a webhook body with exactly the fields of api.md §12, in a stable order, including the
 * sandbox extras (`work_id` and `version` on success; `network`, `transaction_type`, `error_code`,
 * and `ats_id` / `tx_hash` when they apply, on failure). `explorer_url` is derived from the
 * transaction hash; `external_user_ref` is always present (`null` when unset); `work_updated`
 * never carries an access code.
 *
 * @example
 * const payload = buildWebhookPayload({
 *   event: 'work_registered', transactionId, organizationId, apiKeyId, network: 'testnet',
 *   atsId: 7, txHash, blockNumber: 12, blockHash, accessCode, finalizedAt: clock.now(), workId, version: 1,
 * });
 * outbox.enqueue({ apiKeyId, url, secretBase64, event: payload.event, transactionId, payload });
 */
export function buildWebhookPayload(input: WorkFinalizedPayloadInput): KnownWebhookEventWire;
export function buildWebhookPayload(input: WorkFailedPayloadInput): KnownWebhookEventWire;
export function buildWebhookPayload(input: WebhookPayloadInput): KnownWebhookEventWire;
export function buildWebhookPayload(input: WebhookPayloadInput): KnownWebhookEventWire {
  if (input.event === 'work_failed') {
    return {
      event: 'work_failed',
      transaction_id: input.transactionId,
      organization_id: input.organizationId,
      api_key_id: input.apiKeyId,
      external_user_ref: input.externalUserRef ?? null,
      network: input.network,
      ats_id: input.transactionType === 'add_version' ? (input.atsId ?? null) : null,
      tx_hash: input.txHash ? toWireHash(input.txHash, 'txHash') : null,
      failed_at: isoTime(input.failedAt, 'failedAt'),
      reason: input.reason,
      transaction_type: input.transactionType,
      error_code: input.errorCode ?? 'transaction.failed',
    };
  }
  if (input.event !== 'work_registered' && input.event !== 'work_updated') {
    throw new TypeError(
      `event must be "work_registered", "work_updated" or "work_failed" (got ${String((input as { event: unknown }).event)})`,
    );
  }
  const txHash = toWireHash(input.txHash, 'txHash');
  return {
    event: input.event,
    transaction_id: input.transactionId,
    organization_id: input.organizationId,
    api_key_id: input.apiKeyId,
    external_user_ref: input.externalUserRef ?? null,
    network: input.network,
    ats_id: input.atsId,
    tx_hash: txHash,
    block_number: input.blockNumber,
    block_hash: toWireHash(input.blockHash, 'blockHash'),
    explorer_url: explorerTxUrl(txHash, input.network),
    access_code: input.event === 'work_registered' ? (input.accessCode ?? null) : null,
    finalized_at: isoTime(input.finalizedAt, 'finalizedAt'),
    work_id: input.workId,
    version: input.version,
  };
}

/** ISO 8601 UTC with milliseconds and `Z`, the sandbox's timestamp form (api.md §2). */
function isoTime(time: WebhookTime, field: string): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`${field} must be epoch milliseconds, a Date or an ISO timestamp`);
  }
  return date.toISOString();
}
