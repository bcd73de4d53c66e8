// api.md §4 (field rules), §5 (registering: init, prepare, confirm), §7.1 / §7.3 (transaction
// status and the sandbox timeline), §14 (job state machine: quote TTL, job expiry), §15 (chain).
import { computeCommitment } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  ACCESS_CODE,
  expectError,
  FINALITY_MS,
  ISO_MS,
  initBody,
  putFile,
  registerFinal,
  registerFlow,
  SECOND_CREATOR,
  seedOrg,
  sha256Hex,
  UUID,
  virtualNow,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t, { credits: { testnet: 0, mainnet: 100_000 } });
});
afterAll(async () => {
  await t.sandbox.close();
});

describe.each([
  ['testnet', 'canonical'],
  ['testnet', 'legacy'],
  ['mainnet', 'canonical'],
  ['mainnet', 'legacy'],
] as const)('a registration on %s, %s family (§5)', (network, family) => {
  it('runs init → PUT → prepare → confirm → finality with the documented answers', async () => {
    const prefix = family === 'legacy' ? `/v1/organizations/${org.orgId}/works` : '/v1/works';
    const before = await t.admin.credits(org.orgId);
    const t0 = await virtualNow(t);
    const file = audioBytes(4096, network === 'testnet' ? 3 : 4);
    const creators = [CREATOR, SECOND_CREATOR];

    const init = await t.call('POST', `${prefix}/init`, {
      token: org.token,
      body: initBody({ network, creators, title: `Flow ${network} ${family}` }),
    });
    expect(init.status, init.text).toBe(200);
    expect(init.body.job_id).toMatch(UUID);
    expect(init.body.upload_expires_at).toMatch(ISO_MS);
    const url = new URL(init.body.upload_url);
    // X-Amz-Date has whole seconds, so the URL (and upload_expires_at) ends at init + 10 min,
    // counted from init's second.
    const signedAt = Date.parse(
      (url.searchParams.get('X-Amz-Date') ?? '').replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    expect(signedAt).toBe(Math.floor(t0 / 1000) * 1000);
    expect(Date.parse(init.body.upload_expires_at)).toBe(signedAt + 10 * 60_000);
    expect(url.origin).toBe(t.sandbox.url);
    expect(url.pathname).toBe(`/_storage/uploads/${init.body.job_id}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const upload = await putFile(init.body.upload_url, file);
    expect(upload.status).toBe(200);
    expect(upload.text).toBe('');

    const prepare = await t.call('POST', `${prefix}/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id, passphrase: null },
    });
    expect(prepare.status, prepare.text).toBe(200);
    const expected = await computeCommitment(
      { title: `Flow ${network} ${family}`, creators },
      file,
    );
    const fees =
      network === 'mainnet'
        ? {
            network_fee_credits: 12,
            total_deposit_credits: 50,
            service_fee_credits: 5,
            storage_fee_credits: 0,
            total_price_credits: 67,
          }
        : {
            network_fee_credits: 0,
            total_deposit_credits: 0,
            service_fee_credits: 0,
            storage_fee_credits: 0,
            total_price_credits: 0,
          };
    expect(prepare.body).toMatchObject({
      job_id: init.body.job_id,
      work_id: init.body.job_id,
      commitment: `0x${expected.commitment}`,
      media_hash: `0x${expected.mediaHash}`,
      merkle_root: `0x${expected.merkleRoot}`,
      size_bytes: 4096,
      protocol_version: 1,
      is_valid: true,
      ...fees,
    });
    expect(Date.parse(prepare.body.expires_at)).toBe(t0 + 5 * 60_000);

    const confirm = await t.call('POST', `${prefix}/confirm`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
    const txId = confirm.body.transaction_id;
    expect(txId).toMatch(UUID);
    expect(confirm.body).toMatchObject({
      ws_url: `/v1/ws/transactions/${txId}`,
      status_url: `/v1/transactions/${txId}`,
    });
    const debited = network === 'mainnet' ? 67 : 0;
    expect((await t.admin.credits(org.orgId))[network]).toBe(before[network] - debited);

    const pending = await t.call('GET', `/v1/transactions/${txId}`);
    expect(pending.body).toMatchObject({
      id: txId,
      transaction_type: 'register',
      network,
      current_step: 'validating',
      progress: 5,
      is_complete: false,
      result: null,
    });

    await t.admin.advanceClock(FINALITY_MS);
    const done = await t.call('GET', `/v1/transactions/${txId}`);
    expect(done.body).toMatchObject({
      current_step: 'completed',
      progress: 100,
      is_complete: true,
    });
    const result = done.body.result;
    expect(result).toMatchObject({
      success: true,
      work_id: init.body.job_id,
      version: 1,
      error: null,
    });
    expect(result.tx_hash).toBe(`0x${sha256Hex(`tx:${network}:${txId}`)}`);
    expect(result.block_hash).toBe(`0x${sha256Hex(`block:${network}:${result.block_number}`)}`);
    expect(Number.isInteger(result.ats_id) && result.ats_id > 0).toBe(true);
    expect(result.access_code).toMatch(ACCESS_CODE);
    expect(result.explorer_url).toBe(
      network === 'mainnet'
        ? `https://explorer.allfeat.org/tx/${result.tx_hash}`
        : `https://explorer.allfeat.org/tx/${result.tx_hash}?network=testnet`,
    );
    // The credits were debited once, at confirm.
    expect((await t.admin.credits(org.orgId))[network]).toBe(before[network] - debited);
    // The work is readable under the credential's organization.
    const detail = await t.call('GET', `${prefix}/${result.ats_id}?network=${network}`, {
      token: org.token,
    });
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body).toMatchObject({
      id: init.body.job_id,
      latest_commitment: prepare.body.commitment,
    });
  });
});

describe('the transaction timeline (§7.1, §7.3, §14.2)', () => {
  it.each([
    ['testnet', 12_000],
    ['mainnet', 6_000],
  ] as const)(
    'on %s: steps at +0 / +0.5 / +1 / +1.5 s, inclusion at the next block, finality one block later',
    async (network, blockMs) => {
      const flow = await registerFlow(t, org.token, { network });
      const t0 = await virtualNow(t);
      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
        if (seen.at(-1) !== status.body.current_step) seen.push(status.body.current_step);
        if (status.body.is_complete) break;
        await t.admin.advanceClock(500);
      }
      expect(seen).toEqual([
        'validating',
        'preparing_transaction',
        'signing',
        'submitting',
        'confirming',
        'completed',
      ]);
      const status = await t.call('GET', `/v1/transactions/${flow.txId}/status`);
      const steps = status.body.steps as {
        step: string;
        progress: number;
        description: string;
        timestamp: string;
      }[];
      expect(steps.map((s) => [s.step, s.progress])).toEqual([
        ['validating', 5],
        ['preparing_transaction', 20],
        ['signing', 40],
        ['submitting', 60],
        ['confirming', 80],
        ['completed', 100],
      ]);
      const at = steps.map((s) => Date.parse(s.timestamp));
      for (const s of steps) {
        expect(s.timestamp).toMatch(ISO_MS);
        expect(typeof s.description).toBe('string');
      }
      expect(at.slice(0, 4).map((x) => x - t0)).toEqual([0, 500, 1000, 1500]);
      expect(at[4]! - at[3]!).toBeGreaterThan(0);
      expect(at[4]! - at[3]!).toBeLessThanOrEqual(blockMs);
      expect(at[5]! - at[4]!).toBe(blockMs);
      expect(status.body.created_at).toBe(steps[0]!.timestamp);
      expect(status.body.updated_at).toBe(steps[5]!.timestamp);
    },
  );

  it('counts ats_id per network from 1 in a fresh sandbox', async () => {
    const fresh = await startTestSandbox();
    try {
      const own = await seedOrg(fresh);
      const a = await registerFinal(fresh, own.token, { network: 'testnet' });
      const b = await registerFinal(fresh, own.token, { network: 'mainnet' });
      const c = await registerFinal(fresh, own.token, { network: 'testnet' });
      expect([a.result.ats_id, b.result.ats_id, c.result.ats_id]).toEqual([1, 1, 2]);
      const clock = await fresh.admin.clock();
      expect(clock.heights.testnet).toBeGreaterThanOrEqual(1);
    } finally {
      await fresh.sandbox.close();
    }
  });

  it('answers 404 transaction.not_found for an unknown or non-UUID id', async () => {
    for (const id of ['6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048', 'nope', '123']) {
      expectError(await t.call('GET', `/v1/transactions/${id}`), 404, 'transaction.not_found');
      expectError(
        await t.call('GET', `/v1/transactions/${id}/status`),
        404,
        'transaction.not_found',
      );
    }
  });
});

describe('field rules (§4)', () => {
  const init = (body: unknown) => t.call('POST', '/v1/works/init', { token: org.token, body });
  const fieldsOf = (answer: Awaited<ReturnType<typeof init>>) =>
    expectError(answer, 422, 'common.validation_failed').details.fields as {
      path: string;
      code: string;
      message: string;
    }[];
  const FIELD_CODES = [
    'required',
    'invalid_type',
    'invalid_value',
    'too_short',
    'too_long',
    'too_few',
    'too_many',
    'invalid_format',
  ];

  it.each([
    ['missing title', { title: undefined }, 'registration.title_required'],
    ['empty title', { title: '' }, 'registration.title_required'],
    ['blank title (trimmed)', { title: '  \t ' }, 'registration.title_required'],
    ['missing filename', { filename: undefined }, 'registration.filename_required'],
    ['empty filename', { filename: '' }, 'registration.filename_required'],
    ['missing creators', { creators: undefined }, 'registration.creators_required'],
    ['empty creators', { creators: [] }, 'registration.creators_required'],
  ])('answers %s with its own code alone', async (_label, change, code) => {
    const answer = await init(initBody({ network: 'devnet', ...change }));
    const error = expectError(answer, 422, code);
    expect(error.details?.fields).toBeUndefined();
  });

  it('checks the own codes in the order title, filename, creators', async () => {
    expectError(await init({ network: 'testnet' }), 422, 'registration.title_required');
    expectError(
      await init({ network: 'testnet', title: 'T' }),
      422,
      'registration.filename_required',
    );
    expectError(
      await init({ network: 'testnet', title: 'T', filename: 'f.wav' }),
      422,
      'registration.creators_required',
    );
  });

  it.each([
    ['network missing', { network: undefined }, 'network', 'required'],
    ['network unknown', { network: 'devnet' }, 'network', 'invalid_value'],
    ['network not a string', { network: 7 }, 'network', 'invalid_type'],
    ['title over 255 code points', { title: 'a'.repeat(256) }, 'title', 'too_long'],
    ['title not a string', { title: 42 }, 'title', 'invalid_type'],
    ['filename over 255', { filename: `${'f'.repeat(252)}.wav` }, 'filename', 'too_long'],
    ['filename with /', { filename: '../x.wav' }, 'filename', null],
    ['filename with a slash inside', { filename: 'a/b.wav' }, 'filename', null],
    ['filename with a backslash', { filename: 'a\\b.wav' }, 'filename', null],
    ['filename with NUL', { filename: 'a\u0000b.wav' }, 'filename', null],
    ['filename "."', { filename: '.' }, 'filename', null],
    ['filename ".."', { filename: '..' }, 'filename', null],
    [
      '33 creators',
      { creators: Array.from({ length: 33 }, () => CREATOR) },
      'creators',
      'too_many',
    ],
    ['creators not an array', { creators: 'Ana' }, 'creators', 'invalid_type'],
    [
      'empty full_name',
      { creators: [{ ...CREATOR, full_name: '' }] },
      'creators[0].full_name',
      null,
    ],
    [
      'blank full_name',
      { creators: [{ ...CREATOR, full_name: '   ' }] },
      'creators[0].full_name',
      null,
    ],
    [
      'full_name over 255',
      { creators: [{ ...CREATOR, full_name: 'n'.repeat(256) }] },
      'creators[0].full_name',
      'too_long',
    ],
    [
      'email without @',
      { creators: [{ ...CREATOR, email: 'ana.example.com' }] },
      'creators[0].email',
      null,
    ],
    [
      'email with two @',
      { creators: [{ ...CREATOR, email: 'a@b@example.com' }] },
      'creators[0].email',
      null,
    ],
    [
      'email with a space',
      { creators: [{ ...CREATOR, email: 'a b@example.com' }] },
      'creators[0].email',
      null,
    ],
    [
      'email without a dot in the domain',
      { creators: [{ ...CREATOR, email: 'ana@localhost' }] },
      'creators[0].email',
      null,
    ],
    [
      'roles all false',
      { creators: [{ ...CREATOR, roles: { author: false } }] },
      'creators[0].roles',
      null,
    ],
    ['roles empty', { creators: [{ ...CREATOR, roles: {} }] }, 'creators[0].roles', null],
    [
      'roles not an object',
      { creators: [{ ...CREATOR, roles: 'author' }] },
      'creators[0].roles',
      'invalid_type',
    ],
    [
      'ipi with 12 digits',
      { creators: [{ ...CREATOR, ipi: '123456789012' }] },
      'creators[0].ipi',
      null,
    ],
    ['ipi with letters', { creators: [{ ...CREATOR, ipi: '12AB' }] }, 'creators[0].ipi', null],
    ['ipi empty', { creators: [{ ...CREATOR, ipi: '' }] }, 'creators[0].ipi', null],
    [
      'isni with lowercase x',
      { creators: [{ ...CREATOR, isni: '000000012146438x' }] },
      'creators[0].isni',
      null,
    ],
    [
      'isni of 15 characters',
      { creators: [{ ...CREATOR, isni: '000000012146438' }] },
      'creators[0].isni',
      null,
    ],
    ['external_user_ref empty', { external_user_ref: '' }, 'external_user_ref', null],
    [
      'external_user_ref of 256 bytes',
      { external_user_ref: 'é'.repeat(128) },
      'external_user_ref',
      'too_long',
    ],
    [
      'external_user_ref not a string',
      { external_user_ref: 12 },
      'external_user_ref',
      'invalid_type',
    ],
  ])(
    'reports %s as 422 common.validation_failed at its path',
    async (_label, change, path, code) => {
      const fields = fieldsOf(await init(initBody(change)));
      const field = fields.find((f) => f.path === path);
      expect(field, JSON.stringify(fields)).toBeDefined();
      expect(FIELD_CODES).toContain(field!.code);
      if (code) expect(field!.code).toBe(code);
      expect(typeof field!.message).toBe('string');
    },
  );

  it('reports several failures together, with indexed paths', async () => {
    const fields = fieldsOf(
      await init(
        initBody({
          network: 'devnet',
          creators: [CREATOR, { ...CREATOR, email: 'nope' }, { ...CREATOR, isni: 'bad' }],
        }),
      ),
    );
    expect(fields.map((f) => f.path).sort()).toEqual([
      'creators[1].email',
      'creators[2].isni',
      'network',
    ]);
  });

  it('accepts the limits themselves: 255 code points, 32 creators, 11-digit IPI, ISNI with X, 255-byte ref', async () => {
    const answer = await init(
      initBody({
        title: '🎵'.repeat(255),
        filename: `${'f'.repeat(251)}.wav`,
        creators: Array.from({ length: 32 }, (_, i) => ({
          full_name: `Creator ${i}`,
          email: `c${i}@example.com`,
          roles: { adapter: true },
          ipi: '12345678901',
          isni: '000000012146438X',
        })),
        external_user_ref: `${'é'.repeat(127)}x`,
      }),
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it('treats null as absent for optional fields and ignores passphrase', async () => {
    const answer = await init(
      initBody({
        external_user_ref: null,
        passphrase: { any: 'thing' },
        creators: [{ ...CREATOR, ipi: null, isni: null }],
      }),
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it('trims title, full_name and email and hashes what it stores', async () => {
    const padded = { ...CREATOR, full_name: '  Ana Example ', email: ' ana@example.com  ' };
    const flow = await registerFlow(t, org.token, {
      body: { title: '  Padded Title  ', creators: [padded] },
      noConfirm: true,
    });
    const expected = await computeCommitment(
      { title: 'Padded Title', creators: [CREATOR] },
      flow.file,
    );
    expect(flow.prepare.body.commitment).toBe(`0x${expected.commitment}`);
  });

  it('reads missing role keys as false and hashes the booleans as tags', async () => {
    const creator = {
      full_name: 'Roles',
      email: 'r@example.com',
      roles: { composer: true, adapter: true },
    };
    const flow = await registerFlow(t, org.token, {
      body: { creators: [creator] },
      noConfirm: true,
    });
    const expected = await computeCommitment(
      { title: 'Night Song', creators: [creator] },
      flow.file,
    );
    expect(flow.prepare.body.commitment).toBe(`0x${expected.commitment}`);
  });
});

describe('prepare and confirm errors (§5.3, §5.4)', () => {
  const UNKNOWN = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';

  it('prepare: 422 for a missing job_id, 404 registration.upload_session_not_found for an unknown one', async () => {
    const missing = expectError(
      await t.call('POST', '/v1/works/prepare', { token: org.token, body: { passphrase: null } }),
      422,
      'common.validation_failed',
    );
    expect(missing.details.fields[0]).toMatchObject({ path: 'job_id', code: 'required' });
    for (const jobId of [UNKNOWN, 'not-a-uuid']) {
      expectError(
        await t.call('POST', '/v1/works/prepare', { token: org.token, body: { job_id: jobId } }),
        404,
        'registration.upload_session_not_found',
      );
    }
  });

  it('prepare: 422 registration.audio_empty before any upload and after an empty one', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    const prepare = () =>
      t.call('POST', '/v1/works/prepare', { token: org.token, body: { job_id: init.body.job_id } });
    expectError(await prepare(), 422, 'registration.audio_empty');
    expect((await putFile(init.body.upload_url, new Uint8Array(0))).status).toBe(200);
    expectError(await prepare(), 422, 'registration.audio_empty');
  });

  it('prepare / confirm of another organization’s job: 403 upload_session_forbidden / prepared_forbidden', async () => {
    const stranger = await seedOrg(t, { name: 'Stranger' });
    const flow = await registerFlow(t, org.token, { noConfirm: true });
    expectError(
      await t.call('POST', '/v1/works/prepare', {
        token: stranger.token,
        body: { job_id: flow.jobId },
      }),
      403,
      'registration.upload_session_forbidden',
    );
    expectError(
      await t.call('POST', '/v1/works/confirm', {
        token: stranger.token,
        body: { job_id: flow.jobId },
      }),
      403,
      'registration.prepared_forbidden',
    );
  });

  it('confirm: 404 registration.prepared_not_found when never prepared, unknown, or confirmed already', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    await putFile(init.body.upload_url, new Uint8Array([1, 2]));
    expectError(
      await t.call('POST', '/v1/works/confirm', {
        token: org.token,
        body: { job_id: init.body.job_id },
      }),
      404,
      'registration.prepared_not_found',
    );
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: UNKNOWN } }),
      404,
      'registration.prepared_not_found',
    );
    const flow = await registerFlow(t, org.token);
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.prepared_not_found',
    );
    // Prepare after confirm: the job is consumed.
    expectError(
      await t.call('POST', '/v1/works/prepare', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.upload_session_not_found',
    );
  });

  it('confirm: 422 for a missing job_id', async () => {
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: {} }),
      422,
      'common.validation_failed',
    );
  });

  it('does not mix routes: a registration job is not a version job', async () => {
    const { result } = await registerFinal(t, org.token);
    const flow = await registerFlow(t, org.token, { noConfirm: true });
    expectError(
      await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
        token: org.token,
        body: { job_id: flow.jobId },
      }),
      404,
      'registration.upload_session_not_found',
    );
  });
});

describe('quotes and jobs over time (§5.3, §14.1)', () => {
  it('a quote lives 5 minutes; confirm after it answers 404 prepared_not_found; prepare again gives a fresh one', async () => {
    const flow = await registerFlow(t, org.token, { noConfirm: true, network: 'mainnet' });
    await t.admin.advanceClock(5 * 60_000 + 1);
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.prepared_not_found',
    );
    const now = await virtualNow(t);
    const again = await t.call('POST', '/v1/works/prepare', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expect(again.status, again.text).toBe(200);
    expect(Date.parse(again.body.expires_at)).toBe(now + 5 * 60_000);
    expect(again.body.commitment).toBe(flow.prepare.body.commitment);
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expect(confirm.status, confirm.text).toBe(202);
  });

  it('a quote is still good just before 5 minutes', async () => {
    const flow = await registerFlow(t, org.token, { noConfirm: true });
    await t.admin.advanceClock(5 * 60_000 - 1_000);
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expect(confirm.status, confirm.text).toBe(202);
  });

  it('prepare may be repeated before confirm, each time with a fresh expires_at', async () => {
    const flow = await registerFlow(t, org.token, { noConfirm: true });
    await t.admin.advanceClock(60_000);
    const second = await t.call('POST', '/v1/works/prepare', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expect(Date.parse(second.body.expires_at) - Date.parse(flow.prepare.body.expires_at)).toBe(
      60_000,
    );
  });

  it('an unconfirmed job expires 60 minutes after init (prepare 404 upload_session_not_found, confirm 404 prepared_not_found)', async () => {
    const flow = await registerFlow(t, org.token, { noConfirm: true });
    await t.admin.advanceClock(59 * 60_000);
    const late = await t.call('POST', '/v1/works/prepare', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expect(late.status, late.text).toBe(200);
    await t.admin.advanceClock(60_000 + 1);
    expectError(
      await t.call('POST', '/v1/works/prepare', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.upload_session_not_found',
    );
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.prepared_not_found',
    );
  });

  it('follows job_ttl_seconds from the settings', async () => {
    await t.admin.updateSettings({ job_ttl_seconds: 120 } as never);
    try {
      const flow = await registerFlow(t, org.token, { noConfirm: true });
      await t.admin.advanceClock(121_000);
      expectError(
        await t.call('POST', '/v1/works/prepare', {
          token: org.token,
          body: { job_id: flow.jobId },
        }),
        404,
        'registration.upload_session_not_found',
      );
    } finally {
      await t.admin.updateSettings({ job_ttl_seconds: 3600 } as never);
    }
  });

  it('a registration’s external_user_ref suppresses the access code', async () => {
    const { result } = await registerFinal(t, org.token, {
      body: { external_user_ref: 'customer-7' },
    });
    expect(result.access_code).toBeNull();
  });
});
