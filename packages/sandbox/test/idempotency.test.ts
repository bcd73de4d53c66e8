import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATOR, seedOrganization, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
let token: string;
const body = { network: 'testnet', title: 'Once', filename: 'once.wav', creators: [CREATOR] };

beforeAll(async () => {
  t = await startTestSandbox();
  token = (await seedOrganization(t)).token;
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('idempotency (§13)', () => {
  it('replays the stored answer byte for byte with Idempotent-Replayed', async () => {
    const headers = { 'Idempotency-Key': 'key-1' };
    const first = await t.call('POST', '/v1/works/init', { token, body, headers });
    const again = await t.call('POST', '/v1/works/init', {
      token,
      rawBody: JSON.stringify({
        creators: body.creators,
        filename: body.filename,
        title: body.title,
        network: 'testnet',
      }),
      headers: { ...headers, 'Content-Type': 'application/json' },
    });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  });

  it('conflicts on another body, stores 4xx answers, and refuses malformed keys', async () => {
    const headers = { 'Idempotency-Key': 'key-2' };
    const invalid = await t.call('POST', '/v1/works/init', {
      token,
      body: { ...body, title: '' },
      headers,
    });
    expect(invalid.body.error.code).toBe('registration.title_required');
    const replay = await t.call('POST', '/v1/works/init', {
      token,
      body: { ...body, title: '' },
      headers,
    });
    expect(replay.text).toBe(invalid.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const conflict = await t.call('POST', '/v1/works/init', { token, body, headers });
    expect([conflict.status, conflict.body.error.code]).toEqual([
      409,
      'common.idempotency_conflict',
    ]);
    const malformed = await t.call('POST', '/v1/works/init', {
      token,
      body,
      headers: { 'Idempotency-Key': 'é' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.header).toBe('Idempotency-Key');
  });

  it('runs two identical requests arriving together once', async () => {
    const headers = { 'Idempotency-Key': 'key-3' };
    const [a, b] = await Promise.all([
      t.call('POST', '/v1/works/init', { token, body, headers }),
      t.call('POST', '/v1/works/init', { token, body, headers }),
    ]);
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed')]).toContain(
      'true',
    );
  });

  it('partitions keys per API key and forgets them after 24 hours', async () => {
    const other = await seedOrganization(t);
    const headers = { 'Idempotency-Key': 'key-4' };
    const mine = await t.call('POST', '/v1/works/init', { token, body, headers });
    const theirs = await t.call('POST', '/v1/works/init', { token: other.token, body, headers });
    expect(theirs.body.job_id).not.toBe(mine.body.job_id);
    await t.admin.advanceClock(24 * 3600_000);
    const later = await t.call('POST', '/v1/works/init', { token, body, headers });
    expect(later.body.job_id).not.toBe(mine.body.job_id);
  });
});
