import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSignatureHeader, signedPayload } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREATOR,
  registerWork,
  seedOrganization,
  startTestSandbox,
  type TestSandbox,
} from './helpers';

let t: TestSandbox;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let answerStatus = 200;

beforeAll(async () => {
  t = await startTestSandbox({ seed: 42 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answerStatus;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await t.sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function keyWithWebhook() {
  const organization = await t.admin.createOrganization({
    name: 'Hooks',
    credits: { testnet: 50, mainnet: 500 },
  });
  const key = await t.admin.createApiKey(organization.id, {
    name: 'hooked',
    scopes: ['works:register', 'works:read'],
    webhook_url: receiverUrl,
  });
  return { organization, key };
}

describe('webhooks (§12)', () => {
  it('delivers work_registered signed with the key secret', async () => {
    const { organization, key } = await keyWithWebhook();
    received.length = 0;
    const flow = await registerWork(t, key.token);
    await t.admin.advanceClock(30_000);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const event = JSON.parse(delivery!.body);
    expect(event).toMatchObject({
      event: 'work_registered',
      transaction_id: flow.confirm.body.transaction_id,
      organization_id: organization.id,
      api_key_id: key.id,
      external_user_ref: null,
      network: 'testnet',
      work_id: flow.init.body.job_id,
      version: 1,
    });
    const { timestamp, signatures } = parseSignatureHeader(
      delivery!.headers['x-allfeat-signature'] as string,
    );
    const expected = createHmac('sha256', Buffer.from(key.webhook_secret_base64!, 'base64'))
      .update(signedPayload(timestamp, delivery!.body))
      .digest('hex');
    expect(signatures).toContain(expected);
    const list = await t.admin.deliveries({ transactionId: flow.confirm.body.transaction_id });
    expect(list[0]).toMatchObject({ status: 'delivered', event: 'work_registered' });
  });

  it('retries, parks in the DLQ after six failures and replays on demand', async () => {
    const { key } = await keyWithWebhook();
    answerStatus = 500;
    received.length = 0;
    const flow = await registerWork(t, key.token);
    await t.admin.advanceClock(30_000 + 1_000 + 5_000 + 30_000 + 120_000 + 600_000);
    expect(received).toHaveLength(6);
    const dead = await t.admin.deliveries({
      status: 'dead',
      transactionId: flow.confirm.body.transaction_id,
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempts).toHaveLength(6);
    answerStatus = 200;
    await t.admin.replayDeadLetters([dead[0]!.id]);
    await t.admin.advanceClock(1);
    const after = await t.admin.deliveries({ transactionId: flow.confirm.body.transaction_id });
    expect(after[0]!.status).toBe('delivered');
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });
});

describe('fault injection (§17)', () => {
  it('forces answers with rules, each `times` times', async () => {
    const { token } = await seedOrganization(t);
    await t.admin.setFaults({
      rules: [
        {
          method: 'POST',
          path: '/v1/works/*',
          status: 409,
          code: 'work.already_registered',
          times: 1,
        },
      ],
    });
    const body = { network: 'testnet', title: 'R', filename: 'r.wav', creators: [CREATOR] };
    const forced = await t.call('POST', '/v1/works/init', { token, body });
    expect([forced.status, forced.body.error.code]).toEqual([409, 'work.already_registered']);
    expect((await t.call('POST', '/v1/works/init', { token, body })).status).toBe(200);
    expect((await t.admin.faults()).rules).toEqual([]);
  });

  it('answers 429 and 503 with Retry-After; phase "after" keeps the effect', async () => {
    const { token } = await seedOrganization(t);
    const body = { network: 'testnet', title: 'F', filename: 'f.wav', creators: [CREATOR] };
    await t.admin.setFaults({ api_429_rate: 1, retry_after_seconds: 3 });
    const limited = await t.call('POST', '/v1/works/init', { token, body });
    expect([limited.status, limited.body.error.code, limited.headers.get('retry-after')]).toEqual([
      429,
      'common.rate_limited',
      '3',
    ]);
    await t.admin.setFaults({ api_5xx_rate: 1, api_5xx_phase: 'after' });
    const headers = { 'Idempotency-Key': 'after-phase' };
    const lost = await t.call('POST', '/v1/works/init', { token, body, headers });
    expect([lost.status, lost.body.error.code]).toEqual([503, 'common.service_unavailable']);
    expect(lost.headers.get('retry-after')).toBe('1');
    await t.admin.setFaults({});
    const replay = await t.call('POST', '/v1/works/init', { token, body, headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const status = await t.call('GET', '/v1/transactions/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048');
    expect(status.status).toBe(404);
  });

  it('fails included transactions under chain_failure_rate, refunds and sends work_failed', async () => {
    const { organization, key } = await keyWithWebhook();
    answerStatus = 200;
    received.length = 0;
    await t.admin.setFaults({ chain_failure_rate: 1 });
    const flow = await registerWork(t, key.token, { network: 'mainnet' });
    expect((await t.admin.credits(organization.id)).mainnet).toBe(500 - 67);
    await t.admin.advanceClock(30_000);
    await t.admin.setFaults({});
    const status = await t.call('GET', `/v1/transactions/${flow.confirm.body.transaction_id}`);
    expect(status.body.current_step).toBe('failed');
    expect(status.body.steps.map((s: { step: string }) => s.step).slice(-2)).toEqual([
      'submitting',
      'failed',
    ]);
    expect(status.body.result).toMatchObject({
      success: false,
      error: { code: 'transaction.failed' },
    });
    expect((await t.admin.credits(organization.id)).mainnet).toBe(500);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      event: 'work_failed',
      transaction_type: 'register',
    });
  });

  it('fails the dry run under dry_run_failure_rate', async () => {
    const { token } = await seedOrganization(t);
    await t.admin.setFaults({ dry_run_failure_rate: 1 });
    const flow = await registerWork(t, token);
    await t.admin.setFaults({});
    expect(flow.prepare.body.error).toMatchObject({
      code: 'registration.dry_run_failed',
      details: { reason: expect.any(String) },
    });
  });
});
