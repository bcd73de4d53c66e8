import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioBytes,
  CREATOR,
  seedOrganization,
  startTestSandbox,
  type TestSandbox,
} from './helpers';

let t: TestSandbox;
let token: string;
let organizationId: string;

beforeAll(async () => {
  t = await startTestSandbox();
  const seeded = await seedOrganization(t);
  token = seeded.token;
  organizationId = seeded.organization.id;
});
afterAll(async () => {
  await t.sandbox.close();
});

async function init(tokenToUse = token) {
  const answer = await t.call('POST', '/v1/works/init', {
    token: tokenToUse,
    body: { network: 'testnet', title: 'Upload', filename: 'u.wav', creators: [CREATOR] },
  });
  return answer.body as { job_id: string; upload_url: string; upload_expires_at: string };
}

function xmlCode(text: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}

describe('presigned upload (§5.2)', () => {
  it('stores the body, answers the ETag, and a later PUT replaces it until prepare', async () => {
    const job = await init();
    expect(
      Date.parse(job.upload_expires_at) - Date.parse((await t.admin.clock()).now),
    ).toBeLessThanOrEqual(600_000);
    await fetch(job.upload_url, { method: 'PUT', body: audioBytes(100) });
    const second = await fetch(job.upload_url, { method: 'PUT', body: audioBytes(200) });
    expect(second.status).toBe(200);
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token,
      body: { job_id: job.job_id },
    });
    expect(prepare.body.size_bytes).toBe(200);
    const closed = await fetch(job.upload_url, { method: 'PUT', body: audioBytes(10) });
    expect(closed.status).toBe(403);
    expect(xmlCode(await closed.text())).toBe('AccessDenied');
  });

  it('refuses altered URLs, other methods and expired URLs', async () => {
    const job = await init();
    const flipped = job.upload_url.replace(
      /Signature=(.)/,
      (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
    );
    const altered = await fetch(flipped, { method: 'PUT', body: 'x' });
    expect(altered.status).toBe(403);
    const text = await altered.text();
    expect(xmlCode(text)).toBe('SignatureDoesNotMatch');
    expect(text).toContain('<RequestId>req_');
    const get = await fetch(job.upload_url);
    expect(xmlCode(await get.text())).toBe('SignatureDoesNotMatch');
    await t.admin.advanceClock(601_000);
    const expired = await fetch(job.upload_url, { method: 'PUT', body: 'x' });
    expect(expired.status).toBe(403);
    const expiredText = await expired.text();
    expect(xmlCode(expiredText)).toBe('AccessDenied');
    expect(expiredText).toMatch(/expired/i);
  });

  it('stops at the key limit: EntityTooLarge, declared or streamed', async () => {
    const small = await t.admin.createApiKey(organizationId, {
      name: 'small',
      scopes: ['works:register'],
      max_file_size_bytes: 1000,
    });
    const job = await init(small.token);
    const declared = await fetch(job.upload_url, { method: 'PUT', body: audioBytes(1001) });
    expect(declared.status).toBe(400);
    expect(xmlCode(await declared.text())).toBe('EntityTooLarge');

    // Chunked: no declared length, the limit is enforced while reading.
    const url = new URL(job.upload_url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(Buffer.from(audioBytes(800)));
      req.write(Buffer.from(audioBytes(800)));
      req.end();
    });
    expect(status).toBe(400);
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token: small.token,
      body: { job_id: job.job_id },
    });
    expect(prepare.body.error.code).toBe('registration.audio_empty');
  });

  it('fails partway with 503 SlowDown under upload_failure_rate, storing nothing', async () => {
    await t.admin.setFaults({ upload_failure_rate: 1 });
    const job = await init();
    const failed = await fetch(job.upload_url, { method: 'PUT', body: audioBytes(64 * 1024) });
    await t.admin.setFaults({});
    expect(failed.status).toBe(503);
    expect(xmlCode(await failed.text())).toBe('SlowDown');
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token,
      body: { job_id: job.job_id },
    });
    expect(prepare.body.error.code).toBe('registration.audio_empty');
  });
});

describe('job lifecycle (§14.1)', () => {
  it('lets a lapsed quote be refreshed, and expires the job after 60 minutes', async () => {
    const job = await init();
    await fetch(job.upload_url, { method: 'PUT', body: audioBytes(10) });
    await t.call('POST', '/v1/works/prepare', { token, body: { job_id: job.job_id } });
    await t.admin.advanceClock(5 * 60_000);
    const lapsed = await t.call('POST', '/v1/works/confirm', {
      token,
      body: { job_id: job.job_id },
    });
    expect(lapsed.body.error.code).toBe('registration.prepared_not_found');
    const again = await t.call('POST', '/v1/works/prepare', {
      token,
      body: { job_id: job.job_id },
    });
    expect(again.status).toBe(200);
    await t.admin.advanceClock(60 * 60_000);
    const expired = await t.call('POST', '/v1/works/prepare', {
      token,
      body: { job_id: job.job_id },
    });
    expect(expired.body.error.code).toBe('registration.upload_session_not_found');
  });

  it('keeps jobs to the credential that started them', async () => {
    const job = await init();
    await fetch(job.upload_url, { method: 'PUT', body: audioBytes(10) });
    const otherKey = await t.admin.createApiKey(organizationId, {
      name: 'other',
      scopes: ['works:register'],
    });
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token: otherKey.token,
      body: { job_id: job.job_id },
    });
    expect([prepare.status, prepare.body.error.code]).toEqual([
      403,
      'registration.upload_session_forbidden',
    ]);
    await t.call('POST', '/v1/works/prepare', { token, body: { job_id: job.job_id } });
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: otherKey.token,
      body: { job_id: job.job_id },
    });
    expect([confirm.status, confirm.body.error.code]).toEqual([
      403,
      'registration.prepared_forbidden',
    ]);
    const ok = await t.call('POST', '/v1/works/confirm', { token, body: { job_id: job.job_id } });
    expect(ok.status).toBe(202);
    const twice = await t.call('POST', '/v1/works/confirm', {
      token,
      body: { job_id: job.job_id },
    });
    expect(twice.body.error.code).toBe('registration.prepared_not_found');
  });
});
