// api.md §8 (reading works: list, detail, versions, creators, downloads, certificates) and §10
// (stats).
import { commitmentFromParts, computeMerkleRoot, creatorLeaf } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  addKey,
  addVersionFinal,
  expectError,
  expectS3Error,
  FINALITY_MS,
  getBytes,
  HASH,
  ISO_MS,
  registerFinal,
  registerFlow,
  SECOND_CREATOR,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
  UUID,
  virtualNow,
} from './support/spec-harness';

let t: TestSandbox;
let a: Awaited<ReturnType<typeof seedOrg>>;
let b: Awaited<ReturnType<typeof seedOrg>>;
type Final = Awaited<ReturnType<typeof registerFinal>>;
const works: Record<string, Final> = {};

const FULL_ROLES = {
  full_name: 'Cy Third',
  email: 'cy@example.net',
  roles: { adapter: true, composer: true, author: true },
};

beforeAll(async () => {
  t = await startTestSandbox();
  a = await seedOrg(t, { name: 'Reader A' });
  b = await seedOrg(t, { name: 'Reader B' });
  // Org A is first on both networks: its first testnet and mainnet works are both ats_id 1.
  works.t1 = await registerFinal(t, a.token, {
    body: { title: 'Alpha Song', filename: 'one.wav' },
    file: audioBytes(2000, 1),
  });
  works.m1 = await registerFinal(t, a.token, {
    network: 'mainnet',
    body: { title: 'Main One', filename: 'm1.wav' },
  });
  works.t2 = await registerFinal(t, a.token, {
    body: {
      title: 'Beta Tune',
      filename: 'two.wav',
      external_user_ref: 'alice',
      creators: [CREATOR, FULL_ROLES],
    },
  });
  works.t3 = await registerFinal(t, a.token, {
    body: { title: 'gamma SONG', filename: 'three.wav' },
  });
  works.t4 = await registerFinal(t, a.token, {
    body: { title: 'Delta', filename: 'four-Song.mp3', external_user_ref: 'alice' },
  });
  works.m2 = await registerFinal(t, a.token, {
    network: 'mainnet',
    body: { title: 'Main Two', filename: 'm2.wav' },
  });
  works.b1 = await registerFinal(t, b.token, { body: { title: 'Alpha Song', filename: 'b.wav' } });
  // Two of org A's works finalized in the same block share created_at.
  const x = await registerFlow(t, a.token, { body: { title: 'Tie X', filename: 'x.wav' } });
  const y = await registerFlow(t, a.token, { body: { title: 'Tie Y', filename: 'y.wav' } });
  await t.admin.advanceClock(FINALITY_MS);
  works.x = {
    ...x,
    result: (await t.call('GET', `/v1/transactions/${x.txId}`)).body.result,
  } as unknown as Final;
  works.y = {
    ...y,
    result: (await t.call('GET', `/v1/transactions/${y.txId}`)).body.result,
  } as unknown as Final;
  // Version 2 of t1 with a new creator.
  await addVersionFinal(t, a.token, works.t1!.result.ats_id, {
    creators: [CREATOR, SECOND_CREATOR],
  });
});
afterAll(async () => {
  await t.sandbox.close();
});

const list = (query = '', token = a.token) => t.call('GET', `/v1/works${query}`, { token });
const idsOf = (answer: { body: { works: { id: string }[] } }) => answer.body.works.map((w) => w.id);
const A_TESTNET = ['t1', 't2', 't3', 't4', 'x', 'y'];
const A_ALL = [...A_TESTNET, 'm1', 'm2'];

describe('GET /v1/works (§8.1)', () => {
  it('lists the organization’s finalized works on both networks, newest created_at first, ties by id', async () => {
    const answer = await list();
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.total_count).toBe(A_ALL.length);
    expect(new Set(idsOf(answer))).toEqual(new Set(A_ALL.map((k) => works[k]!.result.work_id)));
    const rows = answer.body.works as { id: string; created_at: string }[];
    for (let i = 1; i < rows.length; i++) {
      expect(Date.parse(rows[i - 1]!.created_at)).toBeGreaterThanOrEqual(
        Date.parse(rows[i]!.created_at),
      );
    }
    // The tie: x and y share created_at and are ordered by id (one direction throughout).
    const tied = rows.filter(
      (r) => r.created_at === rows.find((w) => w.id === works.x!.result.work_id)!.created_at,
    );
    expect(tied.map((r) => r.id).sort()).toEqual(
      [works.x!.result.work_id, works.y!.result.work_id].sort(),
    );
    const tiedIds = tied.map((r) => r.id);
    const asc = [...tiedIds].sort();
    expect([asc.join(), [...asc].reverse().join()]).toContain(tiedIds.join());
  });

  it('answers the summary fields', async () => {
    const answer = await list('?network=testnet&external_user_ref=alice');
    const w = answer.body.works.find((s: { id: string }) => s.id === works.t2!.result.work_id);
    expect(w).toMatchObject({
      id: works.t2!.result.work_id,
      ats_id: works.t2!.result.ats_id,
      owner: a.organization.owner_address,
      title: 'Beta Tune',
      asset_filename: 'two.wav',
      latest_version: 1,
      latest_commitment: works.t2!.prepare.body.commitment,
      has_files: true,
      network: 'testnet',
      external_user_ref: 'alice',
    });
    expect(w.created_at).toMatch(ISO_MS);
    expect(w.latest_version_at).toMatch(ISO_MS);
    const t1 = (await list('?network=testnet')).body.works.find(
      (s: { id: string }) => s.id === works.t1!.result.work_id,
    );
    expect(t1.latest_version).toBe(2);
    expect(Date.parse(t1.latest_version_at)).toBeGreaterThan(Date.parse(t1.created_at));
    expect(t1.external_user_ref).toBeNull();
  });

  it('pages with first / after until has_next_page is false, total_count on every page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const answer = await list(`?first=3${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.total_count).toBe(A_ALL.length);
      expect(answer.body.page_info.has_previous_page).toBe(page > 0);
      expect(typeof answer.body.page_info.start_cursor).toBe('string');
      expect(typeof answer.body.page_info.end_cursor).toBe('string');
      seen.push(...idsOf(answer));
      if (!answer.body.page_info.has_next_page) break;
      expect(answer.body.works).toHaveLength(3);
      after = answer.body.page_info.end_cursor;
    }
    expect(seen).toEqual(idsOf(await list('?first=100')));
    expect(new Set(seen).size).toBe(A_ALL.length);
  });

  it('defaults first to 20 and accepts 1 and 100', async () => {
    const many = await seedOrg(t, { name: 'Many' });
    // In batches, under the 10 confirms in flight.
    for (let i = 0; i < 21; i++) {
      await registerFlow(t, many.token, { body: { title: `Bulk ${i}` } });
      if (i % 10 === 9) await t.admin.advanceClock(FINALITY_MS);
    }
    await t.admin.advanceClock(FINALITY_MS);
    const page = await list('', many.token);
    expect(page.body.works).toHaveLength(20);
    expect(page.body.total_count).toBe(21);
    expect(page.body.page_info.has_next_page).toBe(true);
    expect((await list('?first=1', many.token)).body.works).toHaveLength(1);
    expect((await list('?first=100', many.token)).body.works).toHaveLength(21);
  });

  it('answers an empty page with null cursors', async () => {
    const answer = await list('?search=no-such-thing-anywhere');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      works: [],
      total_count: 0,
      page_info: { has_next_page: false, start_cursor: null, end_cursor: null },
    });
  });

  it.each(['0', '101', '-1', 'abc', '2.5'])(
    'answers 422 common.validation_failed for first=%s',
    async (first) => {
      const error = expectError(await list(`?first=${first}`), 422, 'common.validation_failed');
      expect(error.details.fields.map((f: { path: string }) => f.path)).toContain('first');
    },
  );

  it.each([
    ['junk', 'abc'],
    ['symbols', '!!!%%%'],
    ['base64 JSON of the wrong shape', Buffer.from('{"x":1}').toString('base64url')],
    ['a very long value', 'A'.repeat(5000)],
    ['base64 of garbage bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64')],
  ])('answers 400 common.bad_request for a malformed cursor (%s)', async (_label, cursor) => {
    const error = expectError(
      await list(`?after=${encodeURIComponent(cursor)}`),
      400,
      'common.bad_request',
    );
    expect(error.details).toMatchObject({ parameter: 'after' });
  });

  it('filters by network', async () => {
    expect(new Set(idsOf(await list('?network=testnet')))).toEqual(
      new Set(A_TESTNET.map((k) => works[k]!.result.work_id)),
    );
    expect(new Set(idsOf(await list('?network=mainnet')))).toEqual(
      new Set(['m1', 'm2'].map((k) => works[k]!.result.work_id)),
    );
    expectError(await list('?network=devnet'), 422, 'common.validation_failed');
  });

  it('filters by exact external_user_ref; no match is 200 with []', async () => {
    const alice = await list('?external_user_ref=alice');
    expect(new Set(idsOf(alice))).toEqual(
      new Set([works.t2!.result.work_id, works.t4!.result.work_id]),
    );
    expect(alice.body.total_count).toBe(2);
    expect((await list('?external_user_ref=ALICE')).body.works).toEqual([]);
    const none = await list('?external_user_ref=nobody');
    expect(none.status).toBe(200);
    expect(none.body.works).toEqual([]);
  });

  it('searches title or filename, case-insensitively (sandbox extra)', async () => {
    const song = await list('?search=song');
    expect(new Set(idsOf(song))).toEqual(
      new Set([works.t1!.result.work_id, works.t3!.result.work_id, works.t4!.result.work_id]),
    );
    expect(song.body.total_count).toBe(3);
    expect(idsOf(await list('?search=ALPHA'))).toEqual([works.t1!.result.work_id]);
  });

  it('never shows another organization’s works', async () => {
    const answer = await list('?first=100', b.token);
    expect(idsOf(answer)).toEqual([works.b1!.result.work_id]);
  });

  it('lists only works whose registration reached finality', async () => {
    const own = await seedOrg(t, { name: 'Pending' });
    const flow = await registerFlow(t, own.token);
    await t.admin.advanceClock(15_000);
    const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
    expect(status.body.is_complete).toBe(false);
    expect((await list('', own.token)).body.total_count).toBe(0);
    await t.admin.advanceClock(FINALITY_MS);
    expect((await list('', own.token)).body.total_count).toBe(1);
  });
});

describe('detail, versions and creators (§8.2)', () => {
  it('answers 422 (network required) when the organization has the ats_id on both networks', async () => {
    expect(works.t1!.result.ats_id).toBe(1);
    expect(works.m1!.result.ats_id).toBe(1);
    for (const suffix of ['', '/versions', '/creators', '/versions/1/creators']) {
      const error = expectError(
        await t.call('GET', `/v1/works/1${suffix}`, { token: a.token }),
        422,
        'common.validation_failed',
      );
      expect(error.details.fields).toEqual([
        expect.objectContaining({ path: 'network', code: 'required' }),
      ]);
    }
    const test = await t.call('GET', '/v1/works/1?network=testnet', { token: a.token });
    expect(test.body.id).toBe(works.t1!.result.work_id);
    const main = await t.call('GET', '/v1/works/1?network=mainnet', { token: a.token });
    expect(main.body.id).toBe(works.m1!.result.work_id);
  });

  it('finds a work on its only network without the query, and ignores an external_user_ref query', async () => {
    const atsId = works.t3!.result.ats_id;
    const answer = await t.call('GET', `/v1/works/${atsId}?external_user_ref=somebody`, {
      token: a.token,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.id).toBe(works.t3!.result.work_id);
  });

  it('answers the summary and the latest version’s creators in read form', async () => {
    const answer = await t.call('GET', `/v1/works/${works.t2!.result.ats_id}?network=testnet`, {
      token: a.token,
    });
    expect(answer.body).toMatchObject({
      id: works.t2!.result.work_id,
      title: 'Beta Tune',
      latest_version: 1,
      has_files: true,
    });
    expect(answer.body.creators).toEqual([
      {
        full_name: CREATOR.full_name,
        email: CREATOR.email,
        roles: ['Author', 'Composer'],
        ipi: CREATOR.ipi,
        isni: CREATOR.isni,
      },
      {
        full_name: 'Cy Third',
        email: 'cy@example.net',
        roles: ['Author', 'Composer', 'Adapter'],
        ipi: null,
        isni: null,
      },
    ]);
  });

  it('answers versions oldest first with the chain facts of each', async () => {
    const answer = await t.call('GET', `/v1/works/1/versions?network=testnet`, { token: a.token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      ats_id: 1,
      network: 'testnet',
      work_id: works.t1!.result.work_id,
    });
    const [v1, v2] = answer.body.versions;
    expect(answer.body.versions).toHaveLength(2);
    expect(v1).toMatchObject({
      version: 1,
      commitment: works.t1!.prepare.body.commitment,
      media_hash: works.t1!.prepare.body.media_hash,
      merkle_root: works.t1!.prepare.body.merkle_root,
      asset_filename: 'one.wav',
      registered_at_block: works.t1!.result.block_number,
      block_hash: works.t1!.result.block_hash,
      tx_hash: works.t1!.result.tx_hash,
      transaction_id: works.t1!.txId,
      fee_credits: 0,
      storage_fee_credits: 0,
    });
    expect(v1.registered_at).toMatch(ISO_MS);
    expect(v2.version).toBe(2);
    expect(v2.media_hash).toBe(v1.media_hash);
    expect(v2.commitment).not.toBe(v1.commitment);
    for (const field of ['commitment', 'media_hash', 'merkle_root', 'block_hash', 'tx_hash'])
      expect(v2[field]).toMatch(HASH);
  });

  it('answers creators of the latest version, and of one version', async () => {
    const latest = await t.call('GET', '/v1/works/1/creators?network=testnet', { token: a.token });
    expect(latest.body).toMatchObject({ ats_id: 1, network: 'testnet', version: 2 });
    expect(latest.body.creators.map((c: { full_name: string }) => c.full_name)).toEqual([
      'Ana Example',
      'Bo Second',
    ]);
    expect(latest.body.creators[1]).toEqual({
      full_name: 'Bo Second',
      email: 'bo@example.org',
      roles: ['Arranger'],
      ipi: null,
      isni: null,
    });
    const first = await t.call('GET', '/v1/works/1/versions/1/creators?network=testnet', {
      token: a.token,
    });
    expect(first.body).toMatchObject({ ats_id: 1, network: 'testnet', version: 1 });
    expect(first.body.creators).toHaveLength(1);
  });

  it.each(['3', '0', 'abc'])(
    'answers 404 common.not_found (resource version) for version %s',
    async (v) => {
      const error = expectError(
        await t.call('GET', `/v1/works/1/versions/${v}/creators?network=testnet`, {
          token: a.token,
        }),
        404,
        'common.not_found',
      );
      expect(error.details).toMatchObject({ resource: 'version' });
    },
  );

  it('answers 404 work.not_found for an unknown ats_id and for another organization’s work', async () => {
    for (const path of [
      '/v1/works/999',
      '/v1/works/999/versions',
      '/v1/works/999/creators',
      '/v1/works/abc',
    ]) {
      expectError(await t.call('GET', path, { token: a.token }), 404, 'work.not_found');
    }
    const foreign = works.b1!.result.ats_id;
    expectError(
      await t.call('GET', `/v1/works/${foreign}?network=testnet`, { token: a.token }),
      404,
      'work.not_found',
    );
  });
});

describe('downloads (§8.3)', () => {
  const link = (path: string, token = a.token) => t.call('GET', `/v1/works/${path}`, { token });

  it('presigns the latest file for 15 minutes, served as an attachment', async () => {
    const now = await virtualNow(t);
    const answer = await link(`${works.t3!.result.work_id}/download/asset`);
    expect(answer.status, answer.text).toBe(200);
    expect(Date.parse(answer.body.expires_at)).toBeGreaterThan(now + 15 * 60_000 - 1_000);
    expect(Date.parse(answer.body.expires_at)).toBeLessThanOrEqual(now + 15 * 60_000);
    const file = await getBytes(answer.body.url);
    expect(file.status).toBe(200);
    expect(file.bytes).toEqual(works.t3!.file);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(file.headers.get('content-disposition')).toContain('three.wav');
  });

  it('expires the download URL after 15 minutes (403 AccessDenied), and refuses a tampered one', async () => {
    const answer = await link(`${works.t3!.result.work_id}/download/asset`);
    const url = new URL(answer.body.url);
    url.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const tampered = await getBytes(url.toString());
    expectS3Error({ status: tampered.status, text: tampered.text }, 403, 'SignatureDoesNotMatch');
    await t.admin.advanceClock(14 * 60_000);
    expect((await getBytes(answer.body.url)).status).toBe(200);
    await t.admin.advanceClock(60_000 + 1_000);
    const late = await getBytes(answer.body.url);
    expectS3Error({ status: late.status, text: late.text }, 403, 'AccessDenied');
  });

  it('serves a version’s file at /versions/{v}/download/audio and its alias …/download/asset', async () => {
    for (const suffix of ['audio', 'asset']) {
      const answer = await link(`${works.t1!.result.work_id}/versions/1/download/${suffix}`);
      expect(answer.status, answer.text).toBe(200);
      expect((await getBytes(answer.body.url)).bytes).toEqual(works.t1!.file);
    }
  });

  it('serves the certificate as a PDF by default, and as JSON that re-verifies the commitment', async () => {
    const pdfLink = await link(`${works.t2!.result.work_id}/download/certificate`);
    expect(pdfLink.status, pdfLink.text).toBe(200);
    const pdf = await getBytes(pdfLink.body.url);
    expect(pdf.status).toBe(200);
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(new TextDecoder().decode(pdf.bytes.subarray(0, 5))).toBe('%PDF-');
    const explicit = await link(`${works.t2!.result.work_id}/download/certificate?format=pdf`);
    expect((await getBytes(explicit.body.url)).text.startsWith('%PDF-')).toBe(true);

    const jsonLink = await link(`${works.t2!.result.work_id}/download/certificate?format=json`);
    expect(jsonLink.status, jsonLink.text).toBe(200);
    const file = await getBytes(jsonLink.body.url);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    const cert = JSON.parse(file.text);
    const r = works.t2!.result;
    expect(cert).toMatchObject({
      certificate_version: 1,
      protocol_version: 1,
      network: 'testnet',
      ats_id: r.ats_id,
      work_id: r.work_id,
      version: 1,
      title: 'Beta Tune',
      asset_filename: 'two.wav',
      size_bytes: works.t2!.file.byteLength,
      commitment: works.t2!.prepare.body.commitment,
      tx_hash: r.tx_hash,
      block_number: r.block_number,
      block_hash: r.block_hash,
      explorer_url: r.explorer_url,
      owner: a.organization.owner_address,
    });
    expect(cert.registered_at).toMatch(ISO_MS);
    expect(cert.issued_at).toMatch(ISO_MS);
    expect(cert.creators[1].roles).toEqual(['author', 'composer', 'adapter']);
    const strip = (hex: string) => hex.replace(/^0x/, '');
    expect(
      commitmentFromParts({
        mediaHash: cert.media_hash,
        title: cert.title,
        merkleRoot: cert.merkle_root,
      }),
    ).toBe(strip(cert.commitment));
    expect(computeMerkleRoot(cert.creators)).toBe(strip(cert.merkle_root));
    expect(cert.creators.map((c: Parameters<typeof creatorLeaf>[0]) => creatorLeaf(c))).toEqual(
      cert.creator_leaves.map(strip),
    );
  });

  it('serves each version’s certificate', async () => {
    for (const v of [1, 2]) {
      const answer = await link(
        `${works.t1!.result.work_id}/versions/${v}/download/certificate?format=json`,
      );
      expect(answer.status, answer.text).toBe(200);
      const cert = JSON.parse((await getBytes(answer.body.url)).text);
      expect(cert.version).toBe(v);
      expect(
        commitmentFromParts({
          mediaHash: cert.media_hash,
          title: cert.title,
          merkleRoot: cert.merkle_root,
        }),
      ).toBe(cert.commitment.replace(/^0x/, ''));
    }
  });

  it('answers 404 work.not_found for unknown, malformed or foreign work ids', async () => {
    for (const id of [
      '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
      'not-a-uuid',
      works.b1!.result.work_id,
    ]) {
      expectError(await link(`${id}/download/asset`), 404, 'work.not_found');
      expectError(await link(`${id}/download/certificate`), 404, 'work.not_found');
    }
  });

  it('answers 404 common.not_found (resource version) for an unknown version', async () => {
    for (const suffix of ['audio', 'asset', 'certificate']) {
      const error = expectError(
        await link(`${works.t1!.result.work_id}/versions/9/download/${suffix}`),
        404,
        'common.not_found',
      );
      expect(error.details).toMatchObject({ resource: 'version' });
    }
  });

  it('answers 404 work.no_asset when testnet files are not retained, and has_files is false', async () => {
    await t.admin.updateSettings({ retain_testnet_assets: false } as never);
    try {
      const own = await seedOrg(t, { name: 'No files' });
      const test = await registerFinal(t, own.token, { network: 'testnet' });
      const main = await registerFinal(t, own.token, { network: 'mainnet' });
      expectError(
        await link(`${test.result.work_id}/download/asset`, own.token),
        404,
        'work.no_asset',
      );
      expectError(
        await link(`${test.result.work_id}/versions/1/download/audio`, own.token),
        404,
        'work.no_asset',
      );
      expect((await link(`${test.result.work_id}/download/certificate`, own.token)).status).toBe(
        200,
      );
      expect((await link(`${main.result.work_id}/download/asset`, own.token)).status).toBe(200);
      const summary = (await list('?network=testnet', own.token)).body.works[0];
      expect(summary.has_files).toBe(false);
    } finally {
      await t.admin.updateSettings({ retain_testnet_assets: true } as never);
    }
  });
});

describe('session reads (§3.2)', () => {
  it('limits an access session to its external_user_ref, downloads included', async () => {
    const site = await seedSite(t, a.orgId);
    const jwt = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'alice' });
    const h = sessionHeaders(site.site_key);
    const answer = await t.call('GET', '/v1/works', { token: jwt, headers: h });
    expect(new Set(idsOf(answer))).toEqual(
      new Set([works.t2!.result.work_id, works.t4!.result.work_id]),
    );
    expect(answer.body.total_count).toBe(2);
    const own = await t.call('GET', `/v1/works/${works.t2!.result.work_id}/download/asset`, {
      token: jwt,
      headers: h,
    });
    expect(own.status, own.text).toBe(200);
    const detail = await t.call('GET', `/v1/works/${works.t2!.result.ats_id}?network=testnet`, {
      token: jwt,
      headers: h,
    });
    expect(detail.status, detail.text).toBe(200);
    // A work outside the ref is either hidden (results limited to the ref, §3.2) or contradicts the
    // pinned claim (§3.3); the spec allows both readings, never the work itself.
    for (const path of [
      `${works.t3!.result.work_id}/download/asset`,
      `${works.t3!.result.ats_id}?network=testnet`,
    ]) {
      const answer = await t.call('GET', `/v1/works/${path}`, { token: jwt, headers: h });
      if (answer.status === 404) expectError(answer, 404, 'work.not_found');
      else expectError(answer, 403, 'session.scope_denied');
    }
  });

  it('lets the write token of a registration download the work it produced', async () => {
    const site = await seedSite(t, a.orgId);
    const jwt = await sessionToken(t, site.secret_key, 'register');
    const h = sessionHeaders(site.site_key);
    const flow = await registerFlow(t, jwt, { headers: h });
    await t.admin.advanceClock(FINALITY_MS);
    const answer = await t.call('GET', `/v1/works/${flow.jobId}/download/certificate`, {
      token: jwt,
      headers: h,
    });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe('GET /v1/stats (§10)', () => {
  const countOf = async (token: string, network: string) =>
    (await t.call('GET', `/v1/works?network=${network}&first=1`, { token })).body
      .total_count as number;

  it('without a credential: every work on the network (testnet by default) and 500,000,000', async () => {
    const orgs = await Promise.all(
      [a, b].map(async (o) => ({
        t: await countOf(o.token, 'testnet'),
        m: await countOf(o.token, 'mainnet'),
      })),
    );
    const def = await t.call('GET', '/v1/stats');
    expect(def.status).toBe(200);
    expect(def.body.max_audio_size_bytes).toBe(500_000_000);
    expect(def.body.total_works).toBeGreaterThanOrEqual(orgs[0]!.t + orgs[1]!.t);
    const testnet = await t.call('GET', '/v1/stats?network=testnet');
    expect(testnet.body.total_works).toBe(def.body.total_works);
    const mainnet = await t.call('GET', '/v1/stats?network=mainnet');
    expect(mainnet.body.total_works).toBeGreaterThanOrEqual(orgs[0]!.m);
    expect(mainnet.body.total_works).toBeLessThan(testnet.body.total_works);
  });

  it('with a credential: the organization’s works and the caller’s effective limit', async () => {
    const answer = await t.call('GET', '/v1/stats?network=mainnet', { token: a.token });
    expect(answer.body).toEqual({
      total_works: await countOf(a.token, 'mainnet'),
      max_audio_size_bytes: 500_000_000,
    });
    const capped = await addKey(t, b.orgId, { maxFileSizeBytes: 1234 });
    const bStats = await t.call('GET', '/v1/stats', { token: capped.token });
    expect(bStats.body).toEqual({
      total_works: await countOf(b.token, 'testnet'),
      max_audio_size_bytes: 1234,
    });
  });

  it('answers 422 for an unknown network', async () => {
    expectError(await t.call('GET', '/v1/stats?network=devnet'), 422, 'common.validation_failed');
  });

  it('answers 401 for a malformed credential', async () => {
    expect((await t.call('GET', '/v1/stats', { token: 'garbage' })).status).toBe(401);
  });
});

describe('identifiers (§2.1)', () => {
  it('uses the job id as the work id, and UUIDs throughout', () => {
    for (const key of ['t1', 'm1', 't2']) {
      expect(works[key]!.result.work_id).toBe(works[key]!.jobId);
      expect(works[key]!.result.work_id).toMatch(UUID);
    }
  });
});
