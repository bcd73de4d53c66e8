import { createHash } from 'node:crypto';
import { commitmentFromParts, computeMerkleRoot } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioBytes,
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
  for (const title of ['Alpha', 'Beta', 'Gamma']) await registerWork(t, token, { title });
  await registerWork(t, token, { title: 'Delta', network: 'mainnet', externalUserRef: 'user-1' });
  await t.admin.advanceClock(30_000);
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('listing works (§8.1)', () => {
  it('pages newest first with cursors and a total', async () => {
    const first = await t.call('GET', '/v1/works?first=2', { token });
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(4);
    expect(first.body.works).toHaveLength(2);
    expect(first.body.page_info).toMatchObject({ has_next_page: true, has_previous_page: false });
    const second = await t.call(
      'GET',
      `/v1/works?first=2&after=${first.body.page_info.end_cursor}`,
      { token },
    );
    expect(second.body.works).toHaveLength(2);
    expect(second.body.page_info.has_next_page).toBe(false);
    const ids = [...first.body.works, ...second.body.works].map((w: { id: string }) => w.id);
    expect(new Set(ids).size).toBe(4);
    expect(first.body.works[0]).toMatchObject({
      owner: expect.stringMatching(/^5/),
      latest_version: 1,
      has_files: true,
      latest_commitment: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
  });

  it('filters by network, ref and search; rejects a bad cursor', async () => {
    expect((await t.call('GET', '/v1/works?network=mainnet', { token })).body.total_count).toBe(1);
    expect(
      (await t.call('GET', '/v1/works?external_user_ref=user-1', { token })).body.works[0].title,
    ).toBe('Delta');
    expect((await t.call('GET', '/v1/works?search=amm', { token })).body.works[0].title).toBe(
      'Gamma',
    );
    const none = await t.call('GET', '/v1/works?external_user_ref=nobody', { token });
    expect(none.body).toMatchObject({
      works: [],
      total_count: 0,
      page_info: { start_cursor: null, end_cursor: null },
    });
    const bad = await t.call('GET', '/v1/works?after=%%%', { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.parameter).toBe('after');
  });
});

describe('detail, versions, creators (§8.2)', () => {
  it('answers the detail with creators in read form', async () => {
    const detail = await t.call(
      'GET',
      `/v1/organizations/${organizationId}/works/1?network=testnet`,
      { token },
    );
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ ats_id: 1, title: 'Alpha', network: 'testnet' });
    expect(detail.body.creators[0]).toEqual({
      full_name: 'Ana Example',
      email: 'ana@example.com',
      roles: ['Author', 'Composer'],
      ipi: '00052210040',
      isni: '000000012146438X',
    });
  });

  it('needs network when the ats_id exists on both networks', async () => {
    const ambiguous = await t.call('GET', '/v1/works/1', { token });
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error.details.fields[0]).toMatchObject({
      path: 'network',
      code: 'required',
    });
    const creators = await t.call('GET', '/v1/works/1/creators?network=mainnet', { token });
    expect(creators.body).toMatchObject({ ats_id: 1, network: 'mainnet', version: 1 });
    const unknown = await t.call('GET', '/v1/works/1/versions/9/creators?network=testnet', {
      token,
    });
    expect(unknown.body.error).toMatchObject({
      code: 'common.not_found',
      details: { resource: 'version' },
    });
    const other = await seedOrganization(t);
    expect(
      (await t.call('GET', '/v1/works/1?network=testnet', { token: other.token })).body.error.code,
    ).toBe('work.not_found');
  });
});

describe('downloads and certificates (§8.3)', () => {
  it('serves the file through a presigned GET with Content-Disposition: attachment', async () => {
    const file = audioBytes(4096, 9);
    const flow = await registerWork(t, token, { title: 'Download me', file });
    await t.admin.advanceClock(30_000);
    const workId = flow.init.body.job_id;
    const link = await t.call('GET', `/v1/works/${workId}/download/asset`, { token });
    expect(link.status).toBe(200);
    expect(
      Date.parse(link.body.expires_at) - Date.parse((await t.admin.clock()).now),
    ).toBeLessThanOrEqual(900_000);
    const download = await fetch(link.body.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(
      'attachment; filename="night-song.wav"',
    );
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(file);
  });

  it('issues a certificate that re-checks the commitment offline, as JSON and PDF', async () => {
    const flow = await registerWork(t, token, { title: 'Certified' });
    await t.admin.advanceClock(30_000);
    const workId = flow.init.body.job_id;
    const link = await t.call(
      'GET',
      `/v1/works/${workId}/versions/1/download/certificate?format=json`,
      { token },
    );
    const cert = await (await fetch(link.body.url)).json();
    expect(cert).toMatchObject({
      certificate_version: 1,
      protocol_version: 1,
      title: 'Certified',
      version: 1,
    });
    expect(cert.media_hash).toBe(`0x${createHash('sha256').update(flow.file).digest('hex')}`);
    expect(`0x${computeMerkleRoot(cert.creators)}`).toBe(cert.merkle_root);
    expect(
      `0x${commitmentFromParts({ mediaHash: cert.media_hash, title: cert.title, merkleRoot: cert.merkle_root })}`,
    ).toBe(cert.commitment);
    const pdfLink = await t.call('GET', `/v1/works/${workId}/download/certificate`, { token });
    const pdf = await fetch(pdfLink.body.url);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('says work.no_asset when testnet files are not retained', async () => {
    await t.admin.updateSettings({ retain_testnet_assets: false });
    const flow = await registerWork(t, token, { title: 'Gone' });
    await t.admin.advanceClock(30_000);
    await t.admin.updateSettings({ retain_testnet_assets: true });
    const link = await t.call('GET', `/v1/works/${flow.init.body.job_id}/download/asset`, {
      token,
    });
    expect([link.status, link.body.error.code]).toEqual([404, 'work.no_asset']);
    const unknown = await t.call(
      'GET',
      '/v1/works/00000000-0000-4000-8000-000000000000/download/asset',
      { token },
    );
    expect(unknown.body.error.code).toBe('work.not_found');
  });
});

describe('stats (§10)', () => {
  it('counts the organization with a credential and everything without', async () => {
    const mine = await t.call('GET', '/v1/stats?network=mainnet', { token });
    expect(mine.body).toEqual({ total_works: 1, max_audio_size_bytes: 500_000_000 });
    const anonymous = await t.call('GET', '/v1/stats');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.max_audio_size_bytes).toBe(500_000_000);
    expect(anonymous.body.total_works).toBeGreaterThanOrEqual(5);
  });
});
