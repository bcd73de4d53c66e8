import { computeCommitment } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioBytes,
  CREATOR,
  registerWork,
  seedOrganization,
  startTestSandbox,
  type TestSandbox,
} from './helpers';

let t: TestSandbox;
let token: string;
let organizationId: string;

beforeAll(async () => {
  t = await startTestSandbox();
  const seeded = await seedOrganization(t, { testnet: 100, mainnet: 1000 });
  token = seeded.token;
  organizationId = seeded.organization.id;
});
afterAll(async () => {
  await t.sandbox.close();
});

async function finalizedWork(network: 'testnet' | 'mainnet' = 'testnet') {
  const flow = await registerWork(t, token, { network });
  await t.admin.advanceClock(30_000);
  const status = await t.call('GET', `/v1/transactions/${flow.confirm.body.transaction_id}`);
  return { ...flow, result: status.body.result };
}

const NEW_CREATOR = { full_name: 'Bo Second', email: 'bo@example.org', roles: { arranger: true } };

describe('adding a version (§6)', () => {
  it('keeps the current file with versions/init and numbers the version at finality', async () => {
    const { result, file } = await finalizedWork('mainnet');
    const init = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token,
      body: { network: 'mainnet', creators: [CREATOR, NEW_CREATOR], title: 'ignored' },
    });
    expect(init.status).toBe(200);
    expect(Object.keys(init.body)).toEqual(['job_id']);
    const prepare = await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
      token,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status).toBe(200);
    const expected = await computeCommitment(
      { title: 'Night Song', creators: [CREATOR, NEW_CREATOR] },
      file,
    );
    expect(prepare.body).toMatchObject({
      commitment: `0x${expected.commitment}`,
      version_deposit_credits: 20,
      network_fee_credits: 12,
      service_fee_credits: 5,
      storage_fee_credits: 0,
      total_price_credits: 37,
      work_id: result.work_id,
    });
    expect(prepare.body.total_deposit_credits).toBeUndefined();
    const confirm = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
      token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    expect(confirm.body.transaction_type).toBe('add_version');
    await t.admin.advanceClock(30_000);
    const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
    expect(status.body).toMatchObject({
      transaction_type: 'add_version',
      current_step: 'completed',
    });
    expect(status.body.result).toMatchObject({
      ats_id: result.ats_id,
      version: 2,
      access_code: null,
    });
    const versions = await t.call('GET', `/v1/works/${result.ats_id}/versions?network=mainnet`, {
      token,
    });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body.versions[1]).toMatchObject({ fee_credits: 17, storage_fee_credits: 0 });
  });

  it('uploads a new file with versions/init-upload, in the legacy family too', async () => {
    const { result } = await finalizedWork();
    const prefix = `/v1/organizations/${organizationId}/works/${result.ats_id}/versions`;
    const init = await t.call('POST', `${prefix}/init-upload`, {
      token,
      body: { network: 'testnet', filename: 'v2.wav', creators: [CREATOR] },
    });
    expect(init.status).toBe(200);
    expect(init.body.upload_url).toContain('/_storage/uploads/');
    const file = audioBytes(2048, 3);
    expect((await fetch(init.body.upload_url, { method: 'PUT', body: file })).status).toBe(200);
    const prepare = await t.call('POST', `${prefix}/prepare`, {
      token,
      body: { job_id: init.body.job_id },
    });
    const expected = await computeCommitment({ title: 'Night Song', creators: [CREATOR] }, file);
    expect(prepare.body.commitment).toBe(`0x${expected.commitment}`);
    const confirm = await t.call('POST', `${prefix}/confirm`, {
      token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    await t.admin.advanceClock(30_000);
    const detail = await t.call('GET', `/v1/works/${result.ats_id}?network=testnet`, { token });
    expect(detail.body).toMatchObject({ latest_version: 2, asset_filename: 'v2.wav' });
  });

  it('answers the §6 lookup errors', async () => {
    const { result } = await finalizedWork();
    const body = { network: 'testnet', creators: [CREATOR] };
    expect(
      (await t.call('POST', '/v1/works/999/versions/init', { token, body })).body.error.code,
    ).toBe('work.not_found');
    expect((await t.call('POST', '/v1/works/abc/versions/init', { token, body })).status).toBe(404);
    const mismatch = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token,
      body: { ...body, external_user_ref: 'someone' },
    });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.error).toMatchObject({
      code: 'common.forbidden',
      details: { reason: 'external_user_ref_mismatch' },
    });

    const other = await seedOrganization(t);
    const foreign = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: other.token,
      body,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('work.access_forbidden');

    const noCreators = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token,
      body: { network: 'testnet', creators: [] },
    });
    expect(noCreators.body.error.code).toBe('registration.creators_required');
    const noFilename = await t.call('POST', `/v1/works/${result.ats_id}/versions/init-upload`, {
      token,
      body: { network: 'testnet', creators: [CREATOR] },
    });
    expect(noFilename.body.error.code).toBe('registration.filename_required');
    const wrongJob = await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
      token,
      body: { job_id: result.work_id },
    });
    expect(wrongJob.status).toBe(404);
    expect(wrongJob.body.error.code).toBe('registration.upload_session_not_found');
  });
});

describe('access-code routes (§9)', () => {
  it('looks a work up, lists versions, adds a version and downloads with the code', async () => {
    const { result } = await finalizedWork();
    const code = result.access_code as string;
    const lookup = await t.call(
      'GET',
      `/v1/access/${code.toUpperCase().replace('ATC_', 'atc_')}/work`,
      { token },
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      ats_id: result.ats_id,
      title: 'Night Song',
      network: 'testnet',
      latest_version: 1,
      asset_filename: 'night-song.wav',
      work_id: result.work_id,
    });
    expect(lookup.body.creators[0].roles).toEqual(['Author', 'Composer']);

    const init = await t.call('POST', `/v1/access/${code}/versions/init`, {
      token,
      body: { creators: [NEW_CREATOR] },
    });
    expect(init.status).toBe(200);
    const prepare = await t.call('POST', `/v1/access/${code}/versions/prepare`, {
      token,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status).toBe(200);
    const confirm = await t.call('POST', `/v1/access/${code}/versions/confirm`, {
      token,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    await t.admin.advanceClock(30_000);
    const versions = await t.call('GET', `/v1/access/${code}/versions`, { token });
    expect(versions.body.versions).toHaveLength(2);
    const link = await t.call('GET', `/v1/access/${code}/versions/1/download/audio`, { token });
    expect(link.status).toBe(200);
    expect(link.body.url).toContain('/_storage/downloads/');
  });

  it('refuses malformed, unknown codes and another network', async () => {
    const { result } = await finalizedWork();
    expect((await t.call('GET', '/v1/access/atc_123/work', { token })).body.error.code).toBe(
      'access_code.format_invalid',
    );
    expect(
      (await t.call('GET', `/v1/access/atc_${'0'.repeat(64)}/work`, { token })).body.error.code,
    ).toBe('access_code.not_found');
    const wrongNetwork = await t.call('POST', `/v1/access/${result.access_code}/versions/init`, {
      token,
      body: { creators: [CREATOR], network: 'mainnet' },
    });
    expect(wrongNetwork.status).toBe(422);
    expect(wrongNetwork.body.error.details.fields[0].path).toBe('network');
    const other = await seedOrganization(t);
    const foreign = await t.call('GET', `/v1/access/${result.access_code}/work`, {
      token: other.token,
    });
    expect(foreign.body.error.code).toBe('access_code.not_found');
  });

  it('gives no access code to a work registered with an external_user_ref', async () => {
    const flow = await registerWork(t, token, { externalUserRef: 'user-42' });
    await t.admin.advanceClock(30_000);
    const status = await t.call('GET', `/v1/transactions/${flow.confirm.body.transaction_id}`);
    expect(status.body.result.access_code).toBeNull();
  });
});
