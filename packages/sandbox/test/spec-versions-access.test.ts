// api.md §6 (adding a version) and §9 (access-code routes), both route families and networks.
import { computeCommitment } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  addVersionFinal,
  expectError,
  FINALITY_MS,
  getBytes,
  putFile,
  registerFinal,
  SECOND_CREATOR,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
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
  ['mainnet', 'legacy'],
] as const)('versions on %s, %s family (§6)', (network, family) => {
  const prefixOf = () =>
    family === 'legacy' ? `/v1/organizations/${org.orgId}/works` : '/v1/works';

  it('versions/init keeps the current file: { job_id } only, a quote without total_deposit_credits, version 2 at finality', async () => {
    const prefix = prefixOf();
    const first = await registerFinal(t, org.token, { network, prefix, body: { title: 'Keeper' } });
    const atsId = first.result.ats_id;
    const init = await t.call('POST', `${prefix}/${atsId}/versions/init`, {
      token: org.token,
      body: { network, creators: [CREATOR, SECOND_CREATOR], title: 'ignored title' },
    });
    expect(init.status, init.text).toBe(200);
    expect(Object.keys(init.body)).toEqual(['job_id']);
    const prepare = await t.call('POST', `${prefix}/${atsId}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status, prepare.text).toBe(200);
    const expected = await computeCommitment(
      { title: 'Keeper', creators: [CREATOR, SECOND_CREATOR] },
      first.file,
    );
    expect(prepare.body).toMatchObject({
      job_id: init.body.job_id,
      work_id: first.result.work_id,
      commitment: `0x${expected.commitment}`,
      storage_fee_credits: 0,
      is_valid: true,
      total_price_credits: network === 'mainnet' ? 37 : 0,
    });
    expect(prepare.body.total_deposit_credits).toBeUndefined();
    for (const field of ['version_deposit_credits', 'network_fee_credits', 'service_fee_credits']) {
      expect(Number.isInteger(prepare.body[field])).toBe(true);
    }
    expect(typeof prepare.body.expires_at).toBe('string');
    const confirm = await t.call('POST', `${prefix}/${atsId}/versions/confirm`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
    const txId = confirm.body.transaction_id;
    expect(confirm.body).toMatchObject({
      ws_url: `/v1/ws/transactions/${txId}`,
      status_url: `/v1/transactions/${txId}`,
    });
    await t.admin.advanceClock(FINALITY_MS);
    const status = await t.call('GET', `/v1/transactions/${txId}`);
    expect(status.body).toMatchObject({
      transaction_type: 'add_version',
      current_step: 'completed',
    });
    expect(status.body.result).toMatchObject({
      success: true,
      ats_id: atsId,
      work_id: first.result.work_id,
      version: 2,
    });
    // The access code does not change with new versions.
    expect(status.body.result.access_code ?? first.result.access_code).toBe(
      first.result.access_code,
    );
    const detail = await t.call('GET', `${prefix}/${atsId}?network=${network}`, {
      token: org.token,
    });
    expect(detail.body).toMatchObject({
      title: 'Keeper',
      latest_version: 2,
      latest_commitment: prepare.body.commitment,
    });
  });

  it('versions/init-upload takes a new file and filename (PUT as §5.2), the title stays', async () => {
    const prefix = prefixOf();
    const first = await registerFinal(t, org.token, {
      network,
      prefix,
      body: { title: 'Uploader' },
    });
    const atsId = first.result.ats_id;
    const init = await t.call('POST', `${prefix}/${atsId}/versions/init-upload`, {
      token: org.token,
      body: { network, creators: [SECOND_CREATOR], filename: 'take-2.flac' },
    });
    expect(init.status, init.text).toBe(200);
    expect(Object.keys(init.body).sort()).toEqual(['job_id', 'upload_expires_at', 'upload_url']);
    const file = audioBytes(3333, 77);
    expect((await putFile(init.body.upload_url, file)).status).toBe(200);
    const prepare = await t.call('POST', `${prefix}/${atsId}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    const expected = await computeCommitment(
      { title: 'Uploader', creators: [SECOND_CREATOR] },
      file,
    );
    expect(prepare.body.commitment).toBe(`0x${expected.commitment}`);
    expect(prepare.body.size_bytes).toBe(3333);
    const confirm = await t.call('POST', `${prefix}/${atsId}/versions/confirm`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    await t.admin.advanceClock(FINALITY_MS);
    const versions = await t.call('GET', `${prefix}/${atsId}/versions?network=${network}`, {
      token: org.token,
    });
    expect(versions.body.versions.map((v: { asset_filename: string }) => v.asset_filename)).toEqual(
      ['night-song.wav', 'take-2.flac'],
    );
    const link = await t.call('GET', `${prefix}/${first.result.work_id}/download/asset`, {
      token: org.token,
    });
    expect((await getBytes(link.body.url)).bytes).toEqual(file);
  });

  it('versions/init-upload without an upload: prepare answers 422 registration.audio_empty', async () => {
    const prefix = prefixOf();
    const { result } = await registerFinal(t, org.token, { network, prefix });
    const init = await t.call('POST', `${prefix}/${result.ats_id}/versions/init-upload`, {
      token: org.token,
      body: { network, creators: [CREATOR], filename: 'x.wav' },
    });
    expectError(
      await t.call('POST', `${prefix}/${result.ats_id}/versions/prepare`, {
        token: org.token,
        body: { job_id: init.body.job_id },
      }),
      422,
      'registration.audio_empty',
    );
  });
});

describe('version lookups and errors (§6)', () => {
  let work: Awaited<ReturnType<typeof registerFinal>>;
  beforeAll(async () => {
    work = await registerFinal(t, org.token, { network: 'testnet' });
  });
  const init = (atsId: string | number, body: Record<string, unknown>, token = org.token) =>
    t.call('POST', `/v1/works/${atsId}/versions/init`, {
      token,
      body: { creators: [CREATOR], ...body },
    });

  it.each(['999999', '0', '-1', 'abc', '1.5'])(
    'answers 404 work.not_found for ats_id %s',
    async (atsId) => {
      expectError(await init(atsId, { network: 'testnet' }), 404, 'work.not_found');
    },
  );

  it('answers 403 work.access_forbidden for another organization’s work', async () => {
    const stranger = await seedOrg(t, { name: 'Stranger' });
    expectError(
      await init(work.result.ats_id, { network: 'testnet' }, stranger.token),
      403,
      'work.access_forbidden',
    );
    expectError(
      await t.call('POST', `/v1/works/${work.result.ats_id}/versions/init-upload`, {
        token: stranger.token,
        body: { network: 'testnet', creators: [CREATOR], filename: 'a.wav' },
      }),
      403,
      'work.access_forbidden',
    );
  });

  it('answers 403 common.forbidden external_user_ref_mismatch for a ref differing from the work’s (none included)', async () => {
    const error = expectError(
      await init(work.result.ats_id, { network: 'testnet', external_user_ref: 'x' }),
      403,
      'common.forbidden',
    );
    expect(error.details).toMatchObject({ reason: 'external_user_ref_mismatch' });
    const withRef = await registerFinal(t, org.token, { body: { external_user_ref: 'owner-1' } });
    const mismatch = expectError(
      await init(withRef.result.ats_id, { network: 'testnet', external_user_ref: 'owner-2' }),
      403,
      'common.forbidden',
    );
    expect(mismatch.details).toMatchObject({ reason: 'external_user_ref_mismatch' });
    expect(
      (await init(withRef.result.ats_id, { network: 'testnet', external_user_ref: 'owner-1' }))
        .status,
    ).toBe(200);
    // Omitted: allowed for API keys.
    expect((await init(withRef.result.ats_id, { network: 'testnet' })).status).toBe(200);
  });

  it('answers 422 for bad bodies: network required, creators required', async () => {
    expectError(await init(work.result.ats_id, {}), 422, 'common.validation_failed');
    expectError(
      await t.call('POST', `/v1/works/${work.result.ats_id}/versions/init`, {
        token: org.token,
        body: { network: 'testnet', creators: [] },
      }),
      422,
      'registration.creators_required',
    );
    expectError(
      await t.call('POST', `/v1/works/${work.result.ats_id}/versions/init-upload`, {
        token: org.token,
        body: { network: 'testnet', creators: [CREATOR] },
      }),
      422,
      'registration.filename_required',
    );
  });

  it('versions/prepare answers 404 registration.upload_session_not_found for a job of another work', async () => {
    const other = await registerFinal(t, org.token);
    const job = await init(other.result.ats_id, { network: 'testnet' });
    expectError(
      await t.call('POST', `/v1/works/${work.result.ats_id}/versions/prepare`, {
        token: org.token,
        body: { job_id: job.body.job_id },
      }),
      404,
      'registration.upload_session_not_found',
    );
    expectError(
      await t.call('POST', `/v1/works/${work.result.ats_id}/versions/confirm`, {
        token: org.token,
        body: { job_id: job.body.job_id },
      }),
      404,
      'registration.prepared_not_found',
    );
  });

  it('numbers concurrent versions in the order they finalize', async () => {
    const { result } = await registerFinal(t, org.token);
    const a = await init(result.ats_id, { network: 'testnet' });
    const b = await init(result.ats_id, { network: 'testnet', creators: [SECOND_CREATOR] });
    for (const job of [a, b]) {
      await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
        token: org.token,
        body: { job_id: job.body.job_id },
      });
    }
    const cb = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
      token: org.token,
      body: { job_id: b.body.job_id },
    });
    await t.admin.advanceClock(FINALITY_MS);
    const ca = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
      token: org.token,
      body: { job_id: a.body.job_id },
    });
    await t.admin.advanceClock(FINALITY_MS);
    const sb = await t.call('GET', `/v1/transactions/${cb.body.transaction_id}`);
    const sa = await t.call('GET', `/v1/transactions/${ca.body.transaction_id}`);
    expect(sb.body.result.version).toBe(2);
    expect(sa.body.result.version).toBe(3);
  });

  it('answers 422 registration.dry_run_failed (max_versions_reached) for a work at 100 versions', async () => {
    const { result } = await registerFinal(t, org.token);
    await t.admin.updateSettings({ confirm_concurrency: 200 } as never);
    try {
      const txs: string[] = [];
      for (let i = 0; i < 99; i++) {
        const job = await init(result.ats_id, { network: 'testnet' });
        await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
          token: org.token,
          body: { job_id: job.body.job_id },
        });
        const c = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
          token: org.token,
          body: { job_id: job.body.job_id },
        });
        expect(c.status, c.text).toBe(202);
        txs.push(c.body.transaction_id);
      }
      await t.admin.advanceClock(FINALITY_MS);
      const detail = await t.call('GET', `/v1/works/${result.ats_id}?network=testnet`, {
        token: org.token,
      });
      expect(detail.body.latest_version).toBe(100);
      const job = await init(result.ats_id, { network: 'testnet' });
      const answer = await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
        token: org.token,
        body: { job_id: job.body.job_id },
      });
      const error = expectError(answer, 422, 'registration.dry_run_failed');
      expect(error.details).toMatchObject({ reason: 'max_versions_reached' });
    } finally {
      await t.admin.updateSettings({ confirm_concurrency: 10 } as never);
    }
  });
});

describe('access-code routes (§9)', () => {
  let work: Awaited<ReturnType<typeof registerFinal>>;
  let code: string;
  beforeAll(async () => {
    work = await registerFinal(t, org.token, { network: 'mainnet', body: { title: 'Coded' } });
    code = work.result.access_code;
  });

  it('GET /v1/access/{code}/work answers the work in read form', async () => {
    const answer = await t.call('GET', `/v1/access/${code}/work`, { token: org.token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      ats_id: work.result.ats_id,
      title: 'Coded',
      network: 'mainnet',
      latest_version: 1,
      latest_commitment: work.prepare.body.commitment,
      asset_filename: 'night-song.wav',
      work_id: work.result.work_id,
    });
    expect(typeof answer.body.owner_address).toBe('string');
    expect(answer.body.created_at).toMatch(/Z$/);
    expect(answer.body.creators).toEqual([
      {
        full_name: CREATOR.full_name,
        email: CREATOR.email,
        roles: ['Author', 'Composer'],
        ipi: CREATOR.ipi,
        isni: CREATOR.isni,
      },
    ]);
  });

  it('accepts the code in any case', async () => {
    const answer = await t.call(
      'GET',
      `/v1/access/${code.toUpperCase().replace('ATC_', 'atc_')}/work`,
      { token: org.token },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it.each([
    ['no prefix', 'a'.repeat(64)],
    ['63 hex', `atc_${'a'.repeat(63)}`],
    ['65 hex', `atc_${'a'.repeat(65)}`],
    ['non-hex', `atc_${'g'.repeat(64)}`],
    ['another prefix', `atx_${'a'.repeat(64)}`],
  ])('answers 422 access_code.format_invalid for %s', async (_label, bad) => {
    expectError(
      await t.call('GET', `/v1/access/${bad}/work`, { token: org.token }),
      422,
      'access_code.format_invalid',
    );
    expectError(
      await t.call('POST', `/v1/access/${bad}/versions/init`, {
        token: org.token,
        body: { creators: [CREATOR] },
      }),
      422,
      'access_code.format_invalid',
    );
  });

  it('answers 404 access_code.not_found for an unknown code and for another organization’s', async () => {
    expectError(
      await t.call('GET', `/v1/access/atc_${'0'.repeat(64)}/work`, { token: org.token }),
      404,
      'access_code.not_found',
    );
    const stranger = await seedOrg(t, { name: 'Code stranger' });
    expectError(
      await t.call('GET', `/v1/access/${code}/work`, { token: stranger.token }),
      404,
      'access_code.not_found',
    );
    expectError(
      await t.call('GET', `/v1/access/${code}/versions`, { token: stranger.token }),
      404,
      'access_code.not_found',
    );
  });

  it('adds a version through the code (init keeps the file), network optional', async () => {
    const init = await t.call('POST', `/v1/access/${code}/versions/init`, {
      token: org.token,
      body: { creators: [SECOND_CREATOR] },
    });
    expect(init.status, init.text).toBe(200);
    expect(Object.keys(init.body)).toEqual(['job_id']);
    const prepare = await t.call('POST', `/v1/access/${code}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status, prepare.text).toBe(200);
    expect(prepare.body).toMatchObject({ total_price_credits: 37, version_deposit_credits: 20 });
    const confirm = await t.call('POST', `/v1/access/${code}/versions/confirm`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
    await t.admin.advanceClock(FINALITY_MS);
    const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
    expect(status.body.result).toMatchObject({ version: 2, ats_id: work.result.ats_id });
    const versions = await t.call('GET', `/v1/access/${code}/versions`, { token: org.token });
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({
      ats_id: work.result.ats_id,
      network: 'mainnet',
      work_id: work.result.work_id,
    });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    // The code is unchanged.
    expect(
      (await t.call('GET', `/v1/access/${code}/work`, { token: org.token })).body.latest_version,
    ).toBe(2);
  });

  it('adds a version with a new file through init-upload', async () => {
    const init = await t.call('POST', `/v1/access/${code}/versions/init-upload`, {
      token: org.token,
      body: { creators: [CREATOR], filename: 'code-take.wav', network: 'mainnet' },
    });
    expect(init.status, init.text).toBe(200);
    expect(Object.keys(init.body).sort()).toEqual(['job_id', 'upload_expires_at', 'upload_url']);
    expect((await putFile(init.body.upload_url, audioBytes(999, 3))).status).toBe(200);
    const prepare = await t.call('POST', `/v1/access/${code}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.body.size_bytes).toBe(999);
    expect(
      (
        await t.call('POST', `/v1/access/${code}/versions/confirm`, {
          token: org.token,
          body: { job_id: init.body.job_id },
        })
      ).status,
    ).toBe(202);
    await t.admin.advanceClock(FINALITY_MS);
  });

  it('answers 422 common.validation_failed for a body network that is not the work’s', async () => {
    const answer = await t.call('POST', `/v1/access/${code}/versions/init`, {
      token: org.token,
      body: { creators: [CREATOR], network: 'testnet' },
    });
    const error = expectError(answer, 422, 'common.validation_failed');
    expect(error.details.fields.map((f: { path: string }) => f.path)).toContain('network');
  });

  it('serves downloads by code: asset, certificate, and per version', async () => {
    for (const path of [
      'download/asset',
      'download/certificate',
      'versions/1/download/audio',
      'versions/1/download/certificate',
    ]) {
      const answer = await t.call('GET', `/v1/access/${code}/${path}`, { token: org.token });
      expect(answer.status, `${path}: ${answer.text}`).toBe(200);
      expect(typeof answer.body.url).toBe('string');
      expect((await getBytes(answer.body.url)).status).toBe(200);
    }
    expectError(
      await t.call('GET', `/v1/access/${code}/versions/99/download/audio`, { token: org.token }),
      404,
      'common.not_found',
    );
  });

  it('never gives an access code to a work registered with a ref', async () => {
    const { result } = await registerFinal(t, org.token, {
      body: { external_user_ref: 'ref-only' },
    });
    expect(result.access_code).toBeNull();
  });

  it('holds the work’s network and ats_id against session pins, reads included', async () => {
    const site = await seedSite(t, org.orgId);
    const testnetToken = await sessionToken(t, site.secret_key, 'access');
    const answer = await t.call('GET', `/v1/access/${code}/work`, {
      token: testnetToken,
      headers: sessionHeaders(site.site_key),
    });
    const error = expectError(answer, 403, 'session.scope_denied');
    expect(error.details).toEqual({
      claim: 'allowed_network',
      expected: 'testnet',
      actual: 'mainnet',
    });
    const pinned = await openPinned(site.secret_key, work.result.ats_id + 1);
    const pinnedAnswer = await t.call('GET', `/v1/access/${code}/work`, {
      token: pinned,
      headers: sessionHeaders(site.site_key),
    });
    const pinnedError = expectError(pinnedAnswer, 403, 'session.scope_denied');
    expect(pinnedError.details).toEqual({
      claim: 'allowed_ats_id',
      expected: work.result.ats_id + 1,
      actual: work.result.ats_id,
    });
    const good = await openPinned(site.secret_key, work.result.ats_id);
    const ok = await t.call('GET', `/v1/access/${code}/work`, {
      token: good,
      headers: sessionHeaders(site.site_key),
    });
    expect(ok.status, ok.text).toBe(200);
  });

  async function openPinned(secretKey: string, atsId: number) {
    const answer = await t.call('POST', '/v1/sessions', {
      headers: { Origin: 'https://shop.example.com' },
      body: {
        secret_key: secretKey,
        action_type: 'access',
        allowed_network: 'mainnet',
        allowed_ats_id: atsId,
      },
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.body.token as string;
  }

  it('lets an update_version session add a version through the code', async () => {
    const site = await seedSite(t, org.orgId);
    const answer = await t.call('POST', '/v1/sessions', {
      headers: { Origin: 'https://shop.example.com' },
      body: {
        secret_key: site.secret_key,
        action_type: 'update_version',
        allowed_network: 'mainnet',
      },
    });
    const jwt = answer.body.token as string;
    const h = sessionHeaders(site.site_key);
    const init = await t.call('POST', `/v1/access/${code}/versions/init`, {
      token: jwt,
      headers: h,
      body: { creators: [CREATOR] },
    });
    expect(init.status, init.text).toBe(200);
    const prepare = await t.call('POST', `/v1/access/${code}/versions/prepare`, {
      token: jwt,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status, prepare.text).toBe(200);
    const confirm = await t.call('POST', `/v1/access/${code}/versions/confirm`, {
      token: jwt,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
    await t.admin.advanceClock(FINALITY_MS);
  });
});

describe('versions look {ats_id} up on the body network (§6)', () => {
  it('finds the work of that network only', async () => {
    const fresh = await startTestSandbox();
    try {
      const own = await seedOrg(fresh);
      const main = await registerFinal(fresh, own.token, { network: 'mainnet' });
      expect(main.result.ats_id).toBe(1);
      const before = await fresh.call('POST', '/v1/works/1/versions/init', {
        token: own.token,
        body: { network: 'testnet', creators: [CREATOR] },
      });
      expectError(before, 404, 'work.not_found');
      const test = await registerFinal(fresh, own.token, { network: 'testnet' });
      expect(test.result.ats_id).toBe(1);
      const v = await addVersionFinal(fresh, own.token, 1, { network: 'mainnet' });
      expect(v.result.work_id).toBe(main.result.work_id);
      const w = await addVersionFinal(fresh, own.token, 1, { network: 'testnet' });
      expect(w.result.work_id).toBe(test.result.work_id);
    } finally {
      await fresh.sandbox.close();
    }
  });
});
