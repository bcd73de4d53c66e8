import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  ConfirmResponse,
  ConfirmResponseWire,
  CreatorInput,
  ErrorCode,
  InitWorkRequest,
  TransactionStep,
} from './index';
import * as schemas from './index';

describe('the schemas entry point', () => {
  it('re-exports every area', () => {
    for (const name of [
      'InitWorkRequestSchema',
      'PrepareVersionResponseSchema',
      'TransactionFrameSchema',
      'WorkDetailSchema',
      'AccessWorkSchema',
      'StatsResponseSchema',
      'CreateSessionRequestSchema',
      'WebhookEventSchema',
      'ErrorEnvelopeSchema',
      'FeeScheduleSchema',
      'toFieldErrors',
      'formatIssuePath',
      'ownCodeForInitBody',
      'safeParseIgnoringUnknownKeys',
      'ROLE_TAGS',
      'TRANSACTION_STEP_PROGRESS',
      'KNOWN_ERROR_CODES',
      'WEBHOOK_EVENTS',
    ]) {
      expect(schemas, name).toHaveProperty(name);
    }
  });

  it('keeps the internal message helpers private', () => {
    expect(schemas).not.toHaveProperty('requiredOr');
    expect(schemas).not.toHaveProperty('REQUIRED_MESSAGE');
  });

  it('types what a server sends apart from what parsing gives', () => {
    // Optional response fields may be omitted on the wire and are `null` once parsed.
    expectTypeOf<{
      transaction_id: string;
      ws_url: string;
      status_url: string;
    }>().toExtend<ConfirmResponseWire>();
    expectTypeOf<ConfirmResponse['access_code']>().toEqualTypeOf<`atc_${string}` | null>();
    // Roles may be given as names; requests carry the wire object.
    expectTypeOf<{ full_name: string; email: string; roles: string[] }>().toExtend<CreatorInput>();
    expectTypeOf<InitWorkRequest['network']>().toEqualTypeOf<'testnet' | 'mainnet'>();
    // Open sets keep their known names for completion but accept any string.
    expectTypeOf<'validating'>().toExtend<TransactionStep>();
    expectTypeOf<'transferring_tokens'>().toExtend<TransactionStep>();
    expectTypeOf<'common.rate_limited'>().toExtend<ErrorCode>();
  });
});
