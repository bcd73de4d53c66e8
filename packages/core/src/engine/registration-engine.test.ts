import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AtsFileTooLargeError,
  AtsUploadError,
  AtsValidationError,
  isAbortError,
  NotFoundError,
} from '../errors';
import {
  AtsCommitmentMismatchError,
  AtsConfirmOutcomeUnknownError,
  AtsQuoteDeclinedError,
  AtsTransactionFailedError,
} from './errors';
import {
  type Harness,
  media,
  registerInput,
  rejectionOf,
  startHarness,
  until,
} from './test-fixtures/engine-harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const INIT = /\/works\/init$/;
const PREPARE = /\/prepare$/;
const CONFIRM = /\/confirm$/;
const HEX64 = /^0x[0-9a-f]{64}$/;

describe('register', () => {
  it('registers a work on testnet: init, upload, prepare, approval, confirm, socket tracking', async () => {
    const result = await h.engine.run(registerInput());

    expect(result).toMatchObject({
      transaction_type: 'register',
      network: 'testnet',
      ats_id: 1,
      version: 1,
      access_code: expect.stringMatching(/^atc_[0-9a-f]{64}$/),
      tx_hash: expect.stringMatching(HEX64),
      block_number: expect.any(Number),
      explorer_url: expect.stringContaining('/tx/0x'),
    });
    expect(result.job_id).toBe(h.engine.getSnapshot().jobId);
    expect(result.work_id).toBe(result.job_id);
    expect(h.kinds()).toEqual([
      'initializing',
      'uploading',
      'preparing',
      'awaiting-approval',
      'confirming',
      'tracking',
      'completed',
    ]);
    expect(
      h.server.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`),
    ).toEqual([
      'POST /v1/works/init',
      'PUT /_storage/uploads/:id',
      'POST /v1/works/prepare',
      'POST /v1/works/confirm',
      'WS /v1/ws/transactions/:id',
    ]);
  });

  it('sends trimmed text and role flags, and hashes exactly what it sends (commitment matches)', async () => {
    await h.engine.run(registerInput());
    const [init] = h.server.seen('POST', INIT);
    expect(init?.body).toEqual({
      network: 'testnet',
      title: 'Midnight Song',
      filename: 'midnight.wav',
      creators: [
        {
          full_name: 'Ana Example',
          email: 'ana@example.com',
          roles: { author: true, composer: true, arranger: false, adapter: false },
        },
        {
          full_name: 'Bo Writer',
          email: 'bo@example.com',
          roles: { author: false, composer: false, arranger: true, adapter: false },
          ipi: '123',
        },
      ],
    });
    const { commitment, quote } = h.engine.getSnapshot();
    expect(commitment).toMatchObject({ mode: 'enforce', status: 'match', mismatched: [] });
    expect(commitment?.local).toBe(quote?.commitment);
    expect(commitment?.localMediaHash).toBe(quote?.media_hash);
  });

  it('sends an Idempotency-Key on init and none on confirm', async () => {
    await h.engine.run(registerInput({ idempotencyKey: 'my-registration-1' }));
    expect(h.server.seen('POST', INIT)[0]?.headers['idempotency-key']).toBe('my-registration-1');
    expect(h.server.seen('POST', CONFIRM)[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('shows the mainnet quote as the server priced it, and its explanation, to the approval hook', async () => {
    const approve = vi.fn(() => true);
    const engine = h.makeEngine({ approve });
    const result = await engine.register({ ...registerInput({ network: 'mainnet' }) });
    expect(result.network).toBe('mainnet');
    const [quote, explanation, context] = approve.mock.calls[0] as unknown as [
      Record<string, unknown>,
      { debitCredits: number; addsUp: boolean; waived: string[] },
      { jobId: string; network: string },
    ];
    // 12 + 50 + 5 + 0 (a 4 KiB file stores for free).
    expect(quote.total_price_credits).toBe(67);
    expect(explanation).toMatchObject({ debitCredits: 67, addsUp: true, waived: [] });
    expect(context).toMatchObject({ network: 'mainnet', jobId: result.job_id });
  });

  it('uses the legacy route family when given an organization id', async () => {
    const engine = h.makeEngine({ organizationId: '7d0f3c52-3f6c-4b8e-9a51-0c2a7b1e9d44' });
    await engine.run(registerInput());
    const paths = h.server.requests.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(paths).toEqual([
      '/v1/organizations/7d0f3c52-3f6c-4b8e-9a51-0c2a7b1e9d44/works/init',
      '/v1/organizations/7d0f3c52-3f6c-4b8e-9a51-0c2a7b1e9d44/works/prepare',
      '/v1/organizations/7d0f3c52-3f6c-4b8e-9a51-0c2a7b1e9d44/works/confirm',
    ]);
  });

  it('emits progress, quote, confirmed and step events along the way', async () => {
    const result = await h.engine.run(registerInput());
    expect(h.events.progress.at(-1)).toMatchObject({ bytes: 4096, total: 4096 });
    expect(h.events.quote).toHaveLength(1);
    expect(h.events.confirmed).toEqual([
      { jobId: result.job_id, transactionId: result.transaction_id },
    ]);
    expect(h.events.step.map((s) => s.step)).toEqual([
      'validating',
      'preparing_transaction',
      'signing',
      'submitting',
      'confirming',
      'completed',
    ]);
    expect(h.events.step.every((s) => s.via === 'websocket')).toBe(true);
    expect(h.events.completed).toEqual([result]);
  });
});

describe('updateVersion', () => {
  it('adds a version with a new file: versions/init-upload, upload, prepare, confirm', async () => {
    h.server.seedWork({ network: 'testnet', atsId: 7, title: 'Old Song' });
    const result = await h.engine.updateVersion({
      atsId: 7,
      network: 'testnet',
      filename: 'v2.wav',
      title: 'Old Song',
      creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['author'] }],
      media: media(2048, 3),
    });
    expect(result).toMatchObject({ transaction_type: 'add_version', ats_id: 7, version: 2 });
    expect(result.access_code).toBeNull();
    expect(
      h.server.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`),
    ).toEqual([
      'POST /v1/works/7/versions/init-upload',
      'PUT /_storage/uploads/:id',
      'POST /v1/works/7/versions/prepare',
      'POST /v1/works/7/versions/confirm',
      'WS /v1/ws/transactions/:id',
    ]);
    expect(h.engine.getSnapshot().commitment?.status).toBe('match');
  });

  it('keeps the current file without media: versions/init, no upload, no check by default', async () => {
    h.server.seedWork({ network: 'mainnet', atsId: 3, title: 'Kept' });
    const result = await h.engine.updateVersion({
      atsId: 3,
      network: 'mainnet',
      creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['composer'] }],
    });
    expect(result).toMatchObject({ ats_id: 3, version: 2 });
    expect(h.server.requests[0]?.path).toBe('/v1/works/3/versions/init');
    expect(h.server.seen('PUT', /./)).toHaveLength(0);
    expect(h.kinds()).not.toContain('uploading');
    expect(h.engine.getSnapshot().commitment?.status).toBe('off');
    // update on mainnet, file kept: 12 + 20 + 5 + 0.
    expect(h.engine.getSnapshot().explanation).toMatchObject({
      operation: 'update',
      debitCredits: 37,
    });
  });

  it('checks title and creators against the kept file when asked to', async () => {
    h.server.seedWork({ network: 'testnet', atsId: 4, title: 'Kept' });
    const engine = h.makeEngine({ verifyCommitment: 'enforce' });
    await engine.updateVersion({
      atsId: 4,
      network: 'testnet',
      title: 'Kept',
      creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['composer'] }],
    });
    expect(engine.getSnapshot().commitment?.status).toBe('match');
  });

  it('adds a version through an access code', async () => {
    const work = h.server.seedWork({ network: 'testnet', atsId: 9, title: 'Coded' });
    const result = await h.engine.updateVersion({
      accessCode: (work.accessCode as string).toUpperCase().replace('ATC_', 'atc_'),
      network: 'testnet',
      filename: 'v2.wav',
      creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['adapter'] }],
      media: media(1000),
    });
    expect(result).toMatchObject({ ats_id: 9, version: 2 });
    expect(h.server.requests[0]?.path).toBe(`/v1/access/${work.accessCode}/versions/init-upload`);
    expect(h.server.requests[0]?.body).toEqual({
      network: 'testnet',
      filename: 'v2.wav',
      creators: [
        {
          full_name: 'Ana',
          email: 'ana@example.com',
          roles: { author: false, composer: false, arranger: false, adapter: true },
        },
      ],
    });
    // Without the title only the media hash and the Merkle root could be compared.
    expect(h.engine.getSnapshot().commitment?.status).toBe('partial');
    expect(h.events.warning.map((w) => w.code)).toContain('commitment_partially_verified');
  });
});

describe('approval', () => {
  it('a declined quote ends in aborted (declined) and nothing is confirmed', async () => {
    const engine = h.makeEngine({ approve: async () => false });
    const error = await rejectionOf(engine.run(registerInput()));
    expect(AtsQuoteDeclinedError.is(error)).toBe(true);
    expect(isAbortError(error)).toBe(true);
    expect((error as AtsQuoteDeclinedError).code).toBe('quote_declined');
    expect(engine.getSnapshot().status).toEqual({
      kind: 'aborted',
      reason: 'declined',
      at: 'awaiting-approval',
      confirmMayHaveSucceeded: false,
    });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(0);
  });

  it('refuses a quote above maxPriceCredits without asking', async () => {
    const approve = vi.fn(() => true);
    const engine = h.makeEngine({ approve, maxPriceCredits: 50 });
    const error = await rejectionOf(engine.run(registerInput({ network: 'mainnet' })));
    expect(error).toMatchObject({
      reason: 'over_max_price',
      debitCredits: 67,
      maxPriceCredits: 50,
    });
    expect(approve).not.toHaveBeenCalled();
    expect(engine.getSnapshot().status).toMatchObject({
      kind: 'aborted',
      reason: 'over_max_price',
    });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(0);
  });

  it('accepts a quote within maxPriceCredits (testnet debits the storage fee only)', async () => {
    const engine = h.makeEngine({ maxPriceCredits: 0 });
    await expect(engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
  });

  it('warns when the quote does not add up, and still uses the server’s total', async () => {
    h.server.settings.brokenTotals = true;
    await h.engine.run(registerInput({ network: 'mainnet' }));
    const warning = h.events.warning.find((w) => w.code === 'quote_does_not_add_up');
    expect(warning?.details).toEqual({ statedTotalCredits: 68, computedTotalCredits: 67 });
    expect(h.engine.getSnapshot().explanation?.debitCredits).toBe(68);
  });
});

describe('commitment check', () => {
  const WRONG = `0x${'ab'.repeat(32)}`;

  it('enforce: a mismatch fails before confirm, naming both commitments', async () => {
    h.server.settings.commitmentOverride = WRONG;
    const error = await rejectionOf(h.engine.run(registerInput()));
    expect(AtsCommitmentMismatchError.is(error)).toBe(true);
    expect(error).toMatchObject({ serverCommitment: WRONG, mismatched: ['commitment'] });
    expect(String(error)).toContain(WRONG);
    expect(h.engine.getSnapshot().status).toMatchObject({ kind: 'failed', at: 'preparing' });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(0);
  });

  it('warn: a mismatch is a warning event and the run goes on', async () => {
    h.server.settings.commitmentOverride = WRONG;
    const engine = h.makeEngine({ verifyCommitment: 'warn' });
    const warnings: string[] = [];
    engine.on('warning', (w) => warnings.push(w.code));
    await expect(engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(warnings).toContain('commitment_mismatch');
    expect(engine.getSnapshot().commitment).toMatchObject({ status: 'mismatch', server: WRONG });
  });

  it('off: nothing is hashed or compared', async () => {
    h.server.settings.commitmentOverride = WRONG;
    const engine = h.makeEngine({ verifyCommitment: 'off' });
    await expect(engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(engine.getSnapshot().commitment).toMatchObject({
      status: 'off',
      local: null,
      localMediaHash: null,
    });
  });
});

describe('starting again from init', () => {
  it('an expired upload URL restarts from init with a new idempotency key', async () => {
    h.server.settings.expireUploads = 1;
    const result = await h.engine.run(registerInput({ idempotencyKey: 'first-key' }));
    const inits = h.server.seen('POST', INIT);
    expect(inits.map((r) => r.headers['idempotency-key'])).toEqual([
      'first-key',
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ]);
    expect(h.server.seen('PUT', /./)).toHaveLength(2);
    expect(h.engine.getSnapshot().restarts).toBe(1);
    expect(h.events.warning.map((w) => w.code)).toContain('job_restarted');
    expect(result.ats_id).toBe(1);
  });

  it('a replayed init whose upload URL has expired is not uploaded to: init again, new key', async () => {
    const first = h.makeEngine({ approve: () => false });
    await rejectionOf(first.run(registerInput({ idempotencyKey: 'rerun-key' })));
    h.clock.advance(11 * 60_000);
    const result = await h.engine.run(registerInput({ idempotencyKey: 'rerun-key' }));
    const inits = h.server.seen('POST', INIT).map((r) => r.headers['idempotency-key']);
    expect(inits).toEqual(['rerun-key', 'rerun-key', expect.not.stringMatching('rerun-key')]);
    // One upload per real job: none to the replayed, expired URL.
    expect(h.server.seen('PUT', /./)).toHaveLength(2);
    expect(result.ats_id).toBe(1);
  });

  it('a job lost before prepare (404 upload_session_not_found) is started again', async () => {
    h.server.intercept('POST', PREPARE, () => ({
      status: 404,
      json: { error: { code: 'registration.upload_session_not_found', message: 'gone' } },
    }));
    const result = await h.engine.run(registerInput());
    expect(h.server.seen('POST', INIT)).toHaveLength(2);
    const confirms = h.server.seen('POST', CONFIRM);
    expect(confirms).toHaveLength(1);
    expect(confirms[0]?.body).toEqual({ job_id: result.job_id });
    expect(h.server.seen('POST', PREPARE)[0]?.body).not.toEqual({ job_id: result.job_id });
  });

  it('gives up after two restarts with the upload error', async () => {
    h.server.settings.expireUploads = 5;
    const error = await rejectionOf(h.engine.run(registerInput()));
    expect(AtsUploadError.is(error) && error.code === 'upload_expired').toBe(true);
    expect(h.server.seen('POST', INIT)).toHaveLength(3);
  });

  it('awaits beforeRestart (a widget gets a fresh token there)', async () => {
    h.server.settings.expireUploads = 1;
    const beforeRestart = vi.fn(async () => {});
    await h.makeEngine({ beforeRestart }).run(registerInput());
    expect(beforeRestart).toHaveBeenCalledWith({ reason: 'upload_expired', restart: 1 });
  });
});

describe('quote lifetime', () => {
  it('prepares again when approval outlasts the quote, and confirms the fresh one', async () => {
    const approve = vi.fn(() => {
      h.clock.advance(6 * 60_000);
      return true;
    });
    const engine = h.makeEngine({ approve });
    await expect(engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.server.seen('POST', PREPARE)).toHaveLength(2);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
    // Same price: no second approval.
    expect(approve).toHaveBeenCalledTimes(1);
  });

  it('asks again when the fresh quote has another price', async () => {
    let calls = 0;
    const engine = h.makeEngine({
      approve: () => {
        calls += 1;
        if (calls === 1) {
          h.clock.advance(6 * 60_000);
          h.server.settings.brokenTotals = true;
        }
        return true;
      },
    });
    await engine.run(registerInput({ network: 'mainnet' }));
    expect(calls).toBe(2);
  });

  it('confirm finding no live quote prepares again once', async () => {
    h.server.intercept('POST', CONFIRM, () => ({
      status: 404,
      json: { error: { code: 'registration.prepared_not_found', message: 'lapsed' } },
    }));
    await expect(h.engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.server.seen('POST', PREPARE)).toHaveLength(2);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(2);
  });
});

describe('a lost confirm answer is resolved, never doubled', () => {
  const LISTING = /^\/v1\/works$/;

  it('confirm done, answer dropped: prepare says the job is consumed, the work is found in the listing and its transaction followed', async () => {
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return 'drop' as const;
    });
    const result = await h.engine.run(registerInput());
    const { jobId } = h.engine.getSnapshot();
    expect(result).toMatchObject({ job_id: jobId, work_id: jobId, ats_id: 1, version: 1 });
    expect(result.access_code).toMatch(/^atc_[0-9a-f]{64}$/);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
    expect(h.server.seen('POST', INIT)).toHaveLength(1);
    expect(h.server.seen('GET', LISTING).length).toBeGreaterThan(0);
    expect(h.events.warning.map((w) => w.code)).toEqual(
      expect.arrayContaining(['confirm_answer_lost', 'confirm_recovered']),
    );
    expect(h.events.confirmed).toEqual([{ jobId, transactionId: result.transaction_id }]);
    expect(h.engine.getSnapshot().confirmMayHaveSucceeded).toBe(false);
  });

  it('a 503 before the effect: prepare finds the job pending, and the same job is confirmed again', async () => {
    h.server.intercept('POST', CONFIRM, () => ({
      status: 503,
      json: { error: { code: 'common.service_unavailable', message: 'busy' } },
      headers: { 'retry-after': '1' },
    }));
    const result = await h.engine.run(registerInput());
    expect(result).toMatchObject({ ats_id: 1 });
    const confirms = h.server.seen('POST', CONFIRM);
    expect(confirms).toHaveLength(2);
    expect(confirms.map((r) => (r.body as { job_id: string }).job_id)).toEqual([
      result.job_id,
      result.job_id,
    ]);
    expect(h.server.seen('POST', INIT)).toHaveLength(1);
    // The probe's fresh quote has the same price: no second approval.
    expect(h.server.seen('POST', PREPARE)).toHaveLength(2);
    expect(h.server.seen('GET', LISTING)).toHaveLength(0);
  });

  it('a 503 after the effect: found in the listing, the debit happened once', async () => {
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return { status: 503, json: { error: { code: 'common.service_unavailable', message: 'x' } } };
    });
    const result = await h.engine.run(registerInput({ network: 'mainnet' }));
    expect(result).toMatchObject({ network: 'mainnet', ats_id: 1 });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
  });

  it('a job confirmed but never listed (its transaction failed) is reported unknown, with the job id, after confirmLookupTimeoutMs', async () => {
    h.server.settings.chainFailure = true;
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return 'drop' as const;
    });
    const engine = h.makeEngine({ confirmLookupTimeoutMs: 10_000 });
    const error = await rejectionOf(engine.run(registerInput()));
    expect(AtsConfirmOutcomeUnknownError.is(error)).toBe(true);
    const { jobId, confirmMayHaveSucceeded, status } = engine.getSnapshot();
    expect(error).toMatchObject({ jobId, code: 'confirm_outcome_unknown' });
    expect(String(error)).toContain(`resume({ jobId: '${jobId}', stage: 'confirm' })`);
    expect(confirmMayHaveSucceeded).toBe(true);
    expect(status).toMatchObject({ kind: 'failed', at: 'confirming' });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
    expect(h.server.seen('POST', INIT)).toHaveLength(1);
    // Polled every 2 s for 10 s of (virtual) time.
    expect(h.server.seen('GET', LISTING).length).toBeGreaterThanOrEqual(5);
  });

  it('gives up when prepare cannot be asked either, still without a second confirm', async () => {
    h.server.intercept('POST', CONFIRM, () => 'drop' as const);
    // The first prepare (the quote) goes through; the probe's three attempts all fail.
    h.server.intercept('POST', PREPARE, (_r, proceed) => proceed());
    h.server.intercept(
      'POST',
      PREPARE,
      () => ({ status: 500, json: { error: { code: 'common.internal_error', message: 'x' } } }),
      3,
    );
    const error = await rejectionOf(h.engine.run(registerInput()));
    expect(AtsConfirmOutcomeUnknownError.is(error)).toBe(true);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
  });

  it('a lost version confirm is found as the one new version with the quote’s commitment', async () => {
    h.server.seedWork({ network: 'testnet', atsId: 7, title: 'Old Song' });
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return 'drop' as const;
    });
    const result = await h.engine.updateVersion({
      atsId: 7,
      network: 'testnet',
      creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['author'] }],
    });
    expect(result).toMatchObject({ transaction_type: 'add_version', ats_id: 7, version: 2 });
    expect(h.server.seen('GET', /\/v1\/works\/7\/versions$/).length).toBeGreaterThan(1);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
  });

  it('beforeConfirm is awaited before each confirm is sent; its rejection sends nothing', async () => {
    const seenAt: number[] = [];
    const engine = h.makeEngine({
      beforeConfirm: async ({ jobId, quote, network, operation }) => {
        expect(jobId).toBe(engine.getSnapshot().jobId);
        expect(quote?.job_id).toBe(jobId);
        expect([network, operation]).toEqual(['testnet', 'register']);
        seenAt.push(h.server.seen('POST', CONFIRM).length);
      },
    });
    await engine.run(registerInput());
    expect(seenAt).toEqual([0]);

    const refusing = h.makeEngine({
      beforeConfirm: () => Promise.reject(new Error('journal full')),
    });
    await expect(refusing.run(registerInput())).rejects.toThrow('journal full');
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
    expect(refusing.getSnapshot().confirmMayHaveSucceeded).toBe(false);
  });

  it('a throttled confirm (429, answered before anything happened) is sent again after Retry-After', async () => {
    h.server.intercept('POST', CONFIRM, () => ({
      status: 429,
      json: { error: { code: 'common.rate_limited', message: 'slow down' } },
      headers: { 'retry-after': '3' },
    }));
    await expect(h.engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(2);
    expect(h.clock.sleeps).toContain(3_000);
  });

  it('a refusal (insufficient credits) fails without “may have succeeded”', async () => {
    h.server.intercept('POST', CONFIRM, () => ({
      status: 403,
      json: {
        error: {
          code: 'common.forbidden',
          message: 'credits',
          details: { reason: 'insufficient_credits' },
        },
      },
    }));
    const error = await rejectionOf(h.engine.run(registerInput()));
    expect(error).toMatchObject({ code: 'common.forbidden', status: 403 });
    expect(h.engine.getSnapshot().confirmMayHaveSucceeded).toBe(false);
  });
});

describe('tracking', () => {
  it('polls the status route when the socket is refused', async () => {
    h.server.settings.wsMode = 'refuse';
    const result = await h.engine.run(registerInput());
    expect(result.ats_id).toBe(1);
    expect(h.events.warning.map((w) => w.code)).toContain('tracking_fallback');
    expect(h.server.seen('GET', /^\/v1\/transactions\//).length).toBeGreaterThan(1);
    expect(h.events.step.at(-1)).toMatchObject({ step: 'completed', via: 'polling' });
    expect(h.clock.sleeps.every((ms) => ms === 2_000)).toBe(true);
  });

  it('polls when the socket drops before the end', async () => {
    h.server.settings.wsMode = 'drop';
    const result = await h.engine.run(registerInput());
    expect(result.ats_id).toBe(1);
    expect(h.events.step[0]).toMatchObject({ step: 'validating', via: 'websocket' });
    expect(h.events.step.at(-1)).toMatchObject({ step: 'completed', via: 'polling' });
  });

  it('reads the status route after a terminal frame without details', async () => {
    h.server.settings.wsMode = 'no-details';
    const result = await h.engine.run(registerInput());
    expect(result).toMatchObject({ ats_id: 1, tx_hash: expect.stringMatching(HEX64) });
    expect(h.server.seen('GET', /^\/v1\/transactions\//)).toHaveLength(1);
  });

  it('ignores unparsable and unknown frames', async () => {
    h.server.settings.wsMode = 'garbage';
    await expect(h.engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.server.seen('GET', /^\/v1\/transactions\//)).toHaveLength(0);
  });

  it('polls after an error frame', async () => {
    h.server.settings.wsMode = 'error';
    await expect(h.engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.events.warning.map((w) => w.message).join()).toContain('common.internal_error');
  });

  it('polls only, without warning, when WebSockets are turned off', async () => {
    const engine = h.makeEngine({ webSocket: null });
    const warnings: string[] = [];
    engine.on('warning', (w) => warnings.push(w.code));
    await expect(engine.run(registerInput())).resolves.toMatchObject({ ats_id: 1 });
    expect(h.server.seen('WS', /./)).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('a failed transaction fails the run with the result’s error code', async () => {
    h.server.settings.chainFailure = true;
    const error = await rejectionOf(h.engine.run(registerInput()));
    expect(AtsTransactionFailedError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'transaction.failed' });
    expect(h.engine.getSnapshot().status).toMatchObject({ kind: 'failed', at: 'tracking' });
  });
});

describe('resume and track', () => {
  it('resumes a job from prepare by its id', async () => {
    const first = h.makeEngine({ approve: () => false });
    await rejectionOf(first.run(registerInput()));
    const jobId = first.getSnapshot().jobId as string;

    const result = await h.engine.resume({ jobId, stage: 'prepare', network: 'testnet' });
    expect(result).toMatchObject({ job_id: jobId, ats_id: 1 });
    expect(h.server.seen('POST', INIT)).toHaveLength(1);
    expect(h.server.seen('PUT', /./)).toHaveLength(1);
    expect(h.server.seen('POST', PREPARE)).toHaveLength(2);
  });

  it('resumes at confirm after a confirm that did not happen', async () => {
    const first = h.makeEngine({ beforeConfirm: () => Promise.reject(new Error('crash')) });
    await rejectionOf(first.run(registerInput()));
    const jobId = first.getSnapshot().jobId as string;

    const result = await h.engine.resume({ jobId, stage: 'confirm', network: 'testnet' });
    expect(result.job_id).toBe(jobId);
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
    expect(h.server.seen('POST', PREPARE)).toHaveLength(1);
  });

  it('a resumed job found consumed is looked up in the listing, never re-created', async () => {
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return 'drop' as const;
    });
    const first = h.makeEngine({ confirmLookupTimeoutMs: 0 });
    await rejectionOf(first.run(registerInput()));
    const jobId = first.getSnapshot().jobId as string;

    const result = await h.engine.resume({ jobId, stage: 'confirm', network: 'testnet' });
    expect(result).toMatchObject({ job_id: jobId, work_id: jobId, ats_id: 1 });
    expect(h.server.seen('POST', INIT)).toHaveLength(1);
    // The resumed confirm found no live quote (404), prepare found the job gone (404).
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(2);
  });

  it('a resumed job that is gone and not listed is reported unknown (it may be confirmed)', async () => {
    h.server.intercept('POST', PREPARE, () => ({
      status: 404,
      json: { error: { code: 'registration.upload_session_not_found', message: 'gone' } },
    }));
    const engine = h.makeEngine({ confirmLookupTimeoutMs: 0 });
    const error = await rejectionOf(
      engine.resume({ jobId: 'job-from-before', stage: 'prepare', network: 'testnet' }),
    );
    expect(AtsConfirmOutcomeUnknownError.is(error)).toBe(true);
    expect(NotFoundError.is((error as Error).cause)).toBe(true);
    expect(h.server.seen('POST', INIT)).toHaveLength(0);
  });

  it('with confirmNeverSent, a gone job is only expired: the 404 is passed on, nothing is searched', async () => {
    h.server.intercept('POST', PREPARE, () => ({
      status: 404,
      json: { error: { code: 'registration.upload_session_not_found', message: 'gone' } },
    }));
    const error = await rejectionOf(
      h.engine.resume({
        jobId: 'job-from-before',
        stage: 'prepare',
        network: 'testnet',
        confirmNeverSent: true,
      }),
    );
    expect(NotFoundError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'registration.upload_session_not_found' });
    expect(h.server.seen('GET', /^\/v1\/works/)).toHaveLength(0);
  });

  it('recognises the work by the work id given to resume', async () => {
    h.server.intercept('POST', CONFIRM, async (_request, proceed) => {
      await proceed();
      return 'drop' as const;
    });
    const first = h.makeEngine({ confirmLookupTimeoutMs: 0 });
    await rejectionOf(first.run(registerInput()));
    const { jobId, quote } = first.getSnapshot();

    const result = await h.engine.resume({
      jobId: jobId as string,
      stage: 'confirm',
      network: 'testnet',
      workId: quote?.work_id ?? undefined,
    });
    expect(result.work_id).toBe(quote?.work_id);
  });

  it('tracks a transaction from its id', async () => {
    const transactionId = h.server.seedTransaction('mainnet');
    const result = await h.engine.track({ transactionId });
    expect(result).toMatchObject({
      transaction_id: transactionId,
      job_id: null,
      transaction_type: 'register',
      network: 'mainnet',
      ats_id: 1,
    });
    expect(h.kinds()).toEqual(['tracking', 'completed']);
  });
});

describe('validation before any request', () => {
  it('names every bad field, and start() does not throw', async () => {
    const input = registerInput({
      title: '   ',
      externalUserRef: '',
      creators: [{ full_name: 'Ana', email: 'not-an-email', roles: [] }],
    });
    expect(() => h.engine.start(input)).not.toThrow();
    await until(() => h.engine.getSnapshot().status.kind === 'failed');
    const { error } = h.engine.getSnapshot();
    expect(AtsValidationError.is(error)).toBe(true);
    const paths = (error as AtsValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'title',
        'creators[0].email',
        'creators[0].roles',
        'externalUserRef',
      ]),
    );
    expect(h.server.requests).toHaveLength(0);
  });

  it('refuses a file over the configured limit before any byte is sent', async () => {
    const engine = h.makeEngine({ maxFileSizeBytes: 1000, maxFileSizeSource: 'session' });
    const error = await rejectionOf(engine.run(registerInput()));
    expect(AtsFileTooLargeError.is(error)).toBe(true);
    expect(error).toMatchObject({ sizeBytes: 4096, maxBytes: 1000, source: 'session' });
    expect(h.server.requests).toHaveLength(0);
  });

  it('asks GET /v1/stats for the limit when told to', async () => {
    h.server.settings.maxAudioSizeBytes = 2000;
    const engine = h.makeEngine({ fetchStats: true });
    const error = await rejectionOf(engine.run(registerInput()));
    expect(error).toMatchObject({ sizeBytes: 4096, maxBytes: 2000 });
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/stats']);
    expect(h.server.requests[0]?.query.get('network')).toBe('testnet');
  });

  it('refuses an empty file', async () => {
    const error = await rejectionOf(h.engine.run(registerInput({ media: new Uint8Array() })));
    expect((error as AtsValidationError).issues[0]?.path).toBe('media');
    expect(h.server.requests).toHaveLength(0);
  });

  it('requires the target and the filename of a version with a file', async () => {
    const error = await rejectionOf(
      h.engine.updateVersion({
        network: 'testnet',
        creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['author'] }],
        media: media(10),
      } as never),
    );
    const paths = (error as AtsValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['atsId', 'filename']));
  });
});

describe('snapshot store', () => {
  it('keeps the same snapshot object until something changes, and freezes it', async () => {
    const initial = h.engine.getSnapshot();
    expect(h.engine.getSnapshot()).toBe(initial);
    expect(Object.isFrozen(initial)).toBe(true);

    const seen: unknown[] = [];
    h.engine.subscribe(() => seen.push(h.engine.getSnapshot()));
    await h.engine.run(registerInput());
    const final = h.engine.getSnapshot();
    expect(h.engine.getSnapshot()).toBe(final);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(final);
    expect(Object.isFrozen(final.status)).toBe(true);
    expect(Object.isFrozen(final.result)).toBe(true);
    expect(Object.isFrozen(final.explanation?.components)).toBe(true);
  });

  it('start() while a run is in progress is ignored with a warning; startAsync rejects', async () => {
    const hold = h.server.hold('POST', INIT);
    h.engine.start(registerInput());
    await hold.arrived;
    expect(() => h.engine.start(registerInput())).not.toThrow();
    expect(h.events.warning.at(-1)?.code).toBe('engine_busy');
    await expect(h.engine.startAsync(registerInput())).rejects.toMatchObject({
      code: 'engine_busy',
    });
    hold.release();
    await until(() => h.engine.getSnapshot().status.kind === 'completed');
  });

  it('start() with garbage does not throw either', async () => {
    expect(() => h.engine.start(null as never)).not.toThrow();
    await until(() => h.engine.getSnapshot().status.kind === 'failed');
  });

  it('reset() returns to idle, and a finished engine can run again', async () => {
    await h.engine.run(registerInput());
    h.engine.reset();
    expect(h.engine.getSnapshot().status).toEqual({ kind: 'idle' });
    expect(h.engine.getSnapshot().result).toBeNull();
    await expect(h.engine.run(registerInput())).resolves.toMatchObject({ ats_id: 2 });
  });
});
