// api.md §5.2: the presigned upload (PUT <upload_url>), its expiry, its closing at prepare, its
// size limits and its S3-style XML errors; §5.3 audio_too_large.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, startTestSandbox, type TestSandbox } from './helpers';
import {
  addKey,
  expectError,
  expectS3Error,
  initBody,
  md5Hex,
  putFile,
  rawRequest,
  registerFinal,
  seedOrg,
  streamingPut,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t);
});
afterAll(async () => {
  await t.sandbox.close();
});

async function newJob(token = org.token) {
  const init = await t.call('POST', '/v1/works/init', { token, body: initBody() });
  expect(init.status, init.text).toBe(200);
  return { jobId: init.body.job_id as string, url: init.body.upload_url as string };
}
const prepare = (jobId: string, token = org.token) =>
  t.call('POST', '/v1/works/prepare', { token, body: { job_id: jobId } });

describe('a successful upload (§5.2)', () => {
  it('answers 200 with an empty body and ETag "<md5 hex>"', async () => {
    const { url } = await newJob();
    const bytes = audioBytes(5000, 11);
    const answer = await putFile(url, bytes);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(answer.headers.get('etag')).toBe(`"${md5Hex(bytes)}"`);
  });

  it('needs no Authorization and accepts a chunked body without Content-Length', async () => {
    const { jobId, url } = await newJob();
    const put = streamingPut(url, { 'Transfer-Encoding': 'chunked', 'Content-Type': 'audio/flac' });
    const a = audioBytes(3000, 1);
    const b = audioBytes(2000, 2);
    await put.write(a);
    await put.write(b);
    const answer = await put.finish();
    expect(answer.status, answer.text).toBe(200);
    const all = new Uint8Array([...a, ...b]);
    expect(answer.headers.get('etag')).toBe(`"${md5Hex(all)}"`);
    const quote = await prepare(jobId);
    expect(quote.body.size_bytes).toBe(5000);
  });

  it('keeps any Content-Type and serves it back on download', async () => {
    const { result } = await registerFinal(t, org.token, {
      contentType: 'application/x-odd-audio',
    });
    const link = await t.call('GET', `/v1/works/${result.work_id}/download/asset`, {
      token: org.token,
    });
    expect(link.status, link.text).toBe(200);
    const file = await fetch(link.body.url);
    expect(file.headers.get('content-type')).toBe('application/x-odd-audio');
  });

  it('lets a later PUT replace the object until prepare', async () => {
    const { jobId, url } = await newJob();
    await putFile(url, audioBytes(100, 1));
    const second = audioBytes(777, 2);
    expect((await putFile(url, second)).status).toBe(200);
    const quote = await prepare(jobId);
    expect(quote.body.size_bytes).toBe(777);
  });
});

describe('closing and expiry (§5.2, §14.1)', () => {
  it('closes the URL at the first prepare: a later PUT answers 403 AccessDenied', async () => {
    const { jobId, url } = await newJob();
    await putFile(url, audioBytes(10));
    expect((await prepare(jobId)).status).toBe(200);
    expectS3Error(await putFile(url, audioBytes(20)), 403, 'AccessDenied');
    // The quote still describes the first file.
    expect((await prepare(jobId)).body.size_bytes).toBe(10);
  });

  it('refuses a PUT after confirm with 403 AccessDenied', async () => {
    const { jobId, url } = await newJob();
    await putFile(url, audioBytes(10));
    await prepare(jobId);
    expect(
      (await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: jobId } }))
        .status,
    ).toBe(202);
    expectS3Error(await putFile(url, audioBytes(10)), 403, 'AccessDenied');
  });

  it('refuses a PUT to an expired job with 403 AccessDenied', async () => {
    await t.admin.updateSettings({ job_ttl_seconds: 60 } as never);
    try {
      const { url } = await newJob();
      await t.admin.advanceClock(61_000);
      expectS3Error(await putFile(url, audioBytes(10)), 403, 'AccessDenied');
    } finally {
      await t.admin.updateSettings({ job_ttl_seconds: 3600 } as never);
    }
  });

  it('expires the URL 10 minutes after init: 403 AccessDenied saying it has expired', async () => {
    const early = await newJob();
    const late = await newJob();
    await t.admin.advanceClock(9 * 60_000);
    expect((await putFile(early.url, audioBytes(10))).status).toBe(200);
    await t.admin.advanceClock(60_000 + 1_000);
    const message = expectS3Error(await putFile(late.url, audioBytes(10)), 403, 'AccessDenied');
    expect(message).toMatch(/expired/i);
  });

  it('checks expiry when the request starts: an upload begun in time may finish later', async () => {
    const { jobId, url } = await newJob();
    const bytes = audioBytes(64 * 1024, 5);
    const put = streamingPut(url, {
      'Content-Length': bytes.byteLength,
      'Content-Type': 'audio/wav',
    });
    await put.write(bytes.subarray(0, 32 * 1024));
    // Wait for the server to have started on this request before moving time past the expiry.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.admin.advanceClock(11 * 60_000);
    await put.write(bytes.subarray(32 * 1024));
    const answer = await put.finish();
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('etag')).toBe(`"${md5Hex(bytes)}"`);
    expect((await prepare(jobId)).body.size_bytes).toBe(bytes.byteLength);
  });
});

describe('signatures (§5.2)', () => {
  const mutate = (url: string, change: (u: URL) => void) => {
    const u = new URL(url);
    change(u);
    return u.toString();
  };

  it.each([
    ['a changed signature', (u: URL) => u.searchParams.set('X-Amz-Signature', '0'.repeat(64))],
    ['a missing signature', (u: URL) => u.searchParams.delete('X-Amz-Signature')],
    ['a longer X-Amz-Expires', (u: URL) => u.searchParams.set('X-Amz-Expires', '6000')],
    ['a later X-Amz-Date', (u: URL) => u.searchParams.set('X-Amz-Date', '20991231T000000Z')],
    [
      'another object key',
      (u: URL) => (u.pathname = '/_storage/uploads/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048'),
    ],
    ['an encoded path trick', (u: URL) => (u.pathname = `${u.pathname}%2F..%2F..%2Fsecrets`)],
  ])('answers 403 SignatureDoesNotMatch for %s', async (_label, change) => {
    const { url } = await newJob();
    expectS3Error(await putFile(mutate(url, change), audioBytes(10)), 403, 'SignatureDoesNotMatch');
  });

  it.each(['GET', 'POST', 'DELETE', 'PATCH'])(
    'answers 403 SignatureDoesNotMatch for %s on an upload URL',
    async (method) => {
      const { url } = await newJob();
      const response = await fetch(url, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
      expectS3Error(
        { status: response.status, text: await response.text() },
        403,
        'SignatureDoesNotMatch',
      );
    },
  );

  it('stores nothing on a refused PUT', async () => {
    const { jobId, url } = await newJob();
    await putFile(
      mutate(url, (u) => u.searchParams.set('X-Amz-Signature', 'f'.repeat(64))),
      audioBytes(10),
    );
    expectError(await prepare(jobId), 422, 'registration.audio_empty');
  });
});

describe('size limits (§5.2, §15)', () => {
  it('accepts exactly the key’s max_file_size_bytes and refuses one byte more with 400 EntityTooLarge', async () => {
    const key = await addKey(t, org.orgId, { maxFileSizeBytes: 1000 });
    const { jobId, url } = await newJob(key.token);
    expectS3Error(await putFile(url, audioBytes(1001)), 400, 'EntityTooLarge');
    expectError(await prepare(jobId, key.token), 422, 'registration.audio_empty');
    expect((await putFile(url, audioBytes(1000))).status).toBe(200);
    expectS3Error(await putFile(url, audioBytes(1001)), 400, 'EntityTooLarge');
    // The refused PUT left the earlier object in place.
    expect((await prepare(jobId, key.token)).body.size_bytes).toBe(1000);
  });

  it('refuses a declared Content-Length over 500,000,000 without reading the body', async () => {
    const { url } = await newJob();
    const answer = await rawRequest(url, {
      method: 'PUT',
      headers: { 'Content-Length': 500_000_001 },
      chunks: [new Uint8Array(1024)],
      end: false,
    });
    expectS3Error(answer, 400, 'EntityTooLarge');
  });

  it('stops reading a chunked body as soon as it exceeds the limit', async () => {
    const key = await addKey(t, org.orgId, { maxFileSizeBytes: 1024 * 1024 });
    const { jobId, url } = await newJob(key.token);
    const chunk = new Uint8Array(256 * 1024);
    const chunks = Array.from({ length: 256 }, () => chunk); // 64 MiB offered
    const answer = await rawRequest(url, {
      method: 'PUT',
      headers: { 'Transfer-Encoding': 'chunked' },
      chunks,
    });
    expectS3Error(answer, 400, 'EntityTooLarge');
    expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
    expectError(await prepare(jobId, key.token), 422, 'registration.audio_empty');
  });

  it('stores nothing from a PUT that does not complete', async () => {
    const { jobId, url } = await newJob();
    const put = streamingPut(url, { 'Content-Length': 10_000 });
    await put.write(audioBytes(4_000));
    put.abort();
    await put.answer;
    expectError(await prepare(jobId), 422, 'registration.audio_empty');
  });

  it('keeps the previous object when a replacing PUT does not complete', async () => {
    const { jobId, url } = await newJob();
    expect((await putFile(url, audioBytes(300))).status).toBe(200);
    const put = streamingPut(url, { 'Content-Length': 10_000 });
    await put.write(audioBytes(4_000));
    put.abort();
    await put.answer;
    expect((await prepare(jobId)).body.size_bytes).toBe(300);
  });

  it('answers prepare with 413 registration.audio_too_large when the stored file is over the limit', async () => {
    const { jobId, url } = await newJob();
    expect((await putFile(url, audioBytes(2000))).status).toBe(200);
    const settings = await t.admin.settings();
    await t.admin.updateSettings({ fees: { ...settings.fees, max_asset_bytes: 1000 } } as never);
    try {
      const error = expectError(await prepare(jobId), 413, 'registration.audio_too_large');
      expect(error.details).toEqual({ size_bytes: 2000, max_bytes: 1000 });
    } finally {
      await t.admin.updateSettings({ fees: settings.fees } as never);
    }
  });
});
