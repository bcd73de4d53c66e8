// api.md §12 (webhooks: delivery, signature, payloads, outcomes, retry schedule, DLQ) and §17
// (deliveries listing and DLQ replay), against a receiver on 127.0.0.1.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSignatureHeader } from '@ats-kit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers';
import {
  ACCESS_CODE,
  addVersionFinal,
  FINALITY_MS,
  ISO_MS,
  type ReceivedWebhook,
  registerFinal,
  registerFlow,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
  startWebhookReceiver,
  virtualNow,
  waitUntil,
} from './support/spec-harness';

let t: TestSandbox;
const receivers: Awaited<ReturnType<typeof startWebhookReceiver>>[] = [];

beforeAll(async () => {
  t = await startTestSandbox();
});
afterEach(async () => {
  await t.admin.setFaults({});
});
afterAll(async () => {
  await t.sandbox.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function setup(respond?: (n: number) => number, credits = { testnet: 100, mainnet: 1000 }) {
  const receiver = await startWebhookReceiver(respond);
  receivers.push(receiver);
  const org = await seedOrg(t, { webhookUrl: receiver.url, credits });
  return { receiver, org };
}

/** Verifies a received delivery the way a receiver must: HMAC over `t.` + raw bytes. */
function verifySignature(hook: ReceivedWebhook, secretBase64: string): number {
  const header = hook.headers['x-allfeat-signature'];
  const parsed = parseSignatureHeader(header as string);
  expect(hook.headers['x-allfeat-timestamp']).toBe(String(parsed.timestamp));
  const mac = createHmac('sha256', Buffer.from(secretBase64, 'base64'))
    .update(Buffer.concat([Buffer.from(`${parsed.timestamp}.`), hook.raw]))
    .digest();
  const matches = parsed.signatures.some((sig) => timingSafeEqual(Buffer.from(sig, 'hex'), mac));
  expect(matches).toBe(true);
  return parsed.timestamp;
}

const deliveriesOf = (transactionId: string) => t.admin.deliveries({ transactionId });

/** Moves the clock in 250 ms steps until the transaction ends, so that the first attempt is the
 * only one run (retry waits start at 1 s). */
async function advanceToEnd(txId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await t.admin.advanceClock(250);
    if ((await t.call('GET', `/v1/transactions/${txId}`)).body.is_complete) return;
  }
  throw new Error('transaction did not end');
}

describe('delivery and signature (§12)', () => {
  it('POSTs work_registered at finality, signed with the key’s secret over t + "." + raw body', async () => {
    const { receiver, org } = await setup();
    expect(Buffer.from(org.webhookSecret!, 'base64')).toHaveLength(32);
    const flow = await registerFlow(t, org.token);
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 1, 'the delivery');
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.headers['content-type']).toMatch(/^application\/json/);
    const ts = verifySignature(hook, org.webhookSecret!);
    expect(hook.headers['x-allfeat-delivery']).toBeTruthy();
    const result = (await t.call('GET', `/v1/transactions/${flow.txId}`)).body.result;
    expect(hook.json).toMatchObject({
      event: 'work_registered',
      transaction_id: flow.txId,
      organization_id: org.orgId,
      api_key_id: org.keyId,
      external_user_ref: null,
      network: 'testnet',
      ats_id: result.ats_id,
      tx_hash: result.tx_hash,
      block_number: result.block_number,
      block_hash: result.block_hash,
      explorer_url: result.explorer_url,
      access_code: result.access_code,
      work_id: result.work_id,
      version: 1,
    });
    expect(hook.json.access_code).toMatch(ACCESS_CODE);
    expect(hook.json.finalized_at).toMatch(ISO_MS);
    // Signature time is the virtual clock's, in Unix seconds.
    expect(ts).toBe(Math.floor(Date.parse(hook.json.finalized_at) / 1000));
    const [delivery] = await deliveriesOf(flow.txId);
    expect(delivery).toMatchObject({
      id: hook.headers['x-allfeat-delivery'],
      api_key_id: org.keyId,
      url: receiver.url,
      event: 'work_registered',
      transaction_id: flow.txId,
      status: 'delivered',
    });
    expect(delivery!.body).toEqual(hook.json);
    expect(delivery!.attempts).toEqual([expect.objectContaining({ n: 1, http_status: 200 })]);
  });

  it('sends work_updated for a version, with its version number', async () => {
    const { receiver, org } = await setup();
    const { result } = await registerFinal(t, org.token);
    const v = await addVersionFinal(t, org.token, result.ats_id);
    await waitUntil(() => receiver.received.length >= 2, 'two deliveries');
    const updated = receiver.received.find((r) => r.json.event === 'work_updated')!;
    verifySignature(updated, org.webhookSecret!);
    expect(updated.json).toMatchObject({
      transaction_id: v.confirm.body.transaction_id,
      ats_id: result.ats_id,
      version: 2,
      work_id: result.work_id,
    });
  });

  it('carries the ref and no access code for a work registered with external_user_ref', async () => {
    const { receiver, org } = await setup();
    await registerFinal(t, org.token, { body: { external_user_ref: 'cust-9' } });
    await waitUntil(() => receiver.received.length >= 1, 'the delivery');
    expect(receiver.received[0]!.json).toMatchObject({
      external_user_ref: 'cust-9',
      access_code: null,
    });
  });

  it('sends work_failed with reason and failed_at when the chain fails the transaction', async () => {
    const { receiver, org } = await setup();
    await t.admin.setFaults({ chain_failure_rate: 1 });
    const flow = await registerFlow(t, org.token, { network: 'mainnet' });
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 1, 'the delivery');
    const hook = receiver.received[0]!;
    verifySignature(hook, org.webhookSecret!);
    expect(hook.json).toMatchObject({
      event: 'work_failed',
      transaction_id: flow.txId,
      organization_id: org.orgId,
      api_key_id: org.keyId,
      external_user_ref: null,
      network: 'mainnet',
      transaction_type: 'register',
      error_code: 'transaction.failed',
    });
    expect(typeof hook.json.reason).toBe('string');
    expect(hook.json.failed_at).toMatch(ISO_MS);
    expect(hook.json.access_code).toBeUndefined();
  });

  it('sends work_failed with ats_id for a failed version', async () => {
    const { receiver, org } = await setup();
    const { result } = await registerFinal(t, org.token, { network: 'mainnet' });
    await waitUntil(() => receiver.received.length >= 1, 'the registration delivery');
    await t.admin.setFaults({ chain_failure_rate: 1 });
    const init = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: org.token,
      body: {
        network: 'mainnet',
        creators: [{ full_name: 'F', email: 'f@example.com', roles: { author: true } }],
      },
    });
    await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    const confirm = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 2, 'the failure delivery');
    expect(receiver.received[1]!.json).toMatchObject({
      event: 'work_failed',
      transaction_id: confirm.body.transaction_id,
      transaction_type: 'add_version',
      ats_id: result.ats_id,
      error_code: 'transaction.failed',
    });
  });

  it('sends nothing for a key without webhook_url', async () => {
    const org = await seedOrg(t);
    const flow = await registerFlow(t, org.token);
    await t.admin.advanceClock(FINALITY_MS);
    expect(await deliveriesOf(flow.txId)).toEqual([]);
  });

  it('sends nothing for a session-confirmed transaction', async () => {
    const { receiver, org } = await setup();
    const site = await seedSite(t, org.orgId);
    const jwt = await sessionToken(t, site.secret_key, 'register');
    const flow = await registerFlow(t, jwt, { headers: sessionHeaders(site.site_key) });
    await t.admin.advanceClock(FINALITY_MS);
    expect((await t.call('GET', `/v1/transactions/${flow.txId}`)).body.current_step).toBe(
      'completed',
    );
    expect(await deliveriesOf(flow.txId)).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it('delivers to the confirming key’s URL', async () => {
    const { receiver, org } = await setup();
    const other = await startWebhookReceiver();
    receivers.push(other);
    const second = await t.admin.createApiKey(org.orgId, {
      name: 'second',
      scopes: ['works:register'],
      webhook_url: other.url,
    });
    const flow = await registerFlow(t, second.token);
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => other.received.length >= 1, 'the delivery');
    expect(other.received[0]!.json).toMatchObject({
      transaction_id: flow.txId,
      api_key_id: second.id,
    });
    expect(receiver.received).toEqual([]);
  });
});

describe('retries (§12 schedule: 1 s, 5 s, 30 s, 2 min, 10 min; six attempts)', () => {
  it('retries a 500 on the schedule, re-signing the same bytes, then parks it in the DLQ', async () => {
    const { receiver, org } = await setup(() => 500);
    const flow = await registerFlow(t, org.token);
    await advanceToEnd(flow.txId);
    await waitUntil(() => receiver.received.length >= 1, 'attempt 1');
    let [delivery] = await deliveriesOf(flow.txId);
    expect(delivery!.status).toBe('pending');
    const first = Date.parse(delivery!.attempts[0]!.at);
    expect(Date.parse(delivery!.next_attempt_at!)).toBe(first + 1_000);

    const waits = [1_000, 5_000, 30_000, 120_000, 600_000];
    let expectedAt = first;
    for (let i = 0; i < waits.length; i++) {
      const wait = waits[i]!;
      const now = await virtualNow(t);
      // Just before the wait ends: nothing new.
      await t.admin.advanceClock(expectedAt + wait - now - 1);
      expect(receiver.received).toHaveLength(i + 1);
      await t.admin.advanceClock(1);
      await waitUntil(() => receiver.received.length >= i + 2, `attempt ${i + 2}`);
      expectedAt += wait;
      [delivery] = await deliveriesOf(flow.txId);
      expect(Date.parse(delivery!.attempts[i + 1]!.at)).toBe(expectedAt);
    }
    [delivery] = await deliveriesOf(flow.txId);
    expect(delivery!.status).toBe('dead');
    expect(delivery!.next_attempt_at).toBeNull();
    expect(delivery!.attempts.map((a) => [a.n, a.http_status])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, 500]),
    );
    // No seventh attempt.
    await t.admin.advanceClock(3_600_000);
    expect(receiver.received).toHaveLength(6);
    // Same bytes and delivery id on every attempt; a fresh, valid signature each time.
    const stamps = receiver.received.map((hook) => verifySignature(hook, org.webhookSecret!));
    expect(new Set(receiver.received.map((h) => h.raw.toString('base64'))).size).toBe(1);
    expect(new Set(receiver.received.map((h) => h.headers['x-allfeat-delivery'])).size).toBe(1);
    expect(new Set(stamps).size).toBe(6);
    const dead = await t.admin.deliveries({ status: 'dead' });
    expect(dead.map((d) => d.id)).toContain(delivery!.id);
  });

  it.each([408, 429, 302, 503])('retries on %i', async (status) => {
    const { receiver, org } = await setup((n) => (n === 1 ? status : 200));
    const flow = await registerFlow(t, org.token);
    await advanceToEnd(flow.txId);
    await waitUntil(() => receiver.received.length >= 1, 'attempt 1');
    expect((await deliveriesOf(flow.txId))[0]!.status).toBe('pending');
    await t.admin.advanceClock(1_000);
    await waitUntil(() => receiver.received.length >= 2, 'attempt 2');
    const [delivery] = await deliveriesOf(flow.txId);
    expect(delivery!.status).toBe('delivered');
    expect(delivery!.attempts.map((a) => a.http_status)).toEqual([status, 200]);
  });

  it.each([400, 401, 404, 410, 422])('sends a permanent %i straight to the DLQ', async (status) => {
    const { receiver, org } = await setup(() => status);
    const flow = await registerFlow(t, org.token);
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 1, 'attempt 1');
    const [delivery] = await deliveriesOf(flow.txId);
    expect(delivery!.status).toBe('dead');
    expect(delivery!.attempts).toHaveLength(1);
    await t.admin.advanceClock(3_600_000);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a network error (nothing listening)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const org = await seedOrg(t, { webhookUrl: `http://127.0.0.1:${port}/gone` });
    const flow = await registerFlow(t, org.token);
    await advanceToEnd(flow.txId);
    let delivery = (await deliveriesOf(flow.txId))[0];
    await waitUntil(async () => {
      delivery = (await deliveriesOf(flow.txId))[0];
      return (delivery?.attempts.length ?? 0) >= 1;
    }, 'attempt 1');
    expect(delivery!.status).toBe('pending');
    expect(delivery!.attempts[0]!.http_status).toBeNull();
    expect(typeof delivery!.attempts[0]!.error).toBe('string');
  });
});

describe('DLQ listing and replay (§17)', () => {
  it('lists by status and transaction, replays chosen ids with the same body and delivery id, fresh signatures', async () => {
    const { receiver, org } = await setup(() => 404);
    const one = await registerFlow(t, org.token);
    const two = await registerFlow(t, org.token);
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 2, 'two attempts');
    const [d1] = await deliveriesOf(one.txId);
    const [d2] = await deliveriesOf(two.txId);
    expect(d1!.status).toBe('dead');
    const dead = await t.admin.deliveries({ status: 'dead' });
    expect(dead.map((d) => d.id)).toEqual(expect.arrayContaining([d1!.id, d2!.id]));
    for (const d of dead) expect(d.status).toBe('dead');
    const pending = await t.admin.deliveries({ status: 'pending' });
    expect(pending.map((d) => d.id)).not.toContain(d1!.id);

    receiver.setResponder(() => 200);
    const replay = await t.call('POST', '/_sandbox/webhooks/dlq/replay', {
      body: { ids: [d1!.id] },
    });
    expect(replay.status).toBe(202);
    await t.admin.advanceClock(1);
    await waitUntil(() => receiver.received.length >= 3, 'the replayed attempt');
    const replayed = receiver.received[2]!;
    expect(replayed.headers['x-allfeat-delivery']).toBe(d1!.id);
    expect(
      replayed.raw.equals(receiver.received.find((r) => r.json.transaction_id === one.txId)!.raw),
    ).toBe(true);
    verifySignature(replayed, org.webhookSecret!);
    const after = (await deliveriesOf(one.txId))[0]!;
    expect(after.status).toBe('delivered');
    expect(after.id).toBe(d1!.id);
    expect(after.attempts.map((a) => a.n)).toEqual([1, 2]);
    expect((await deliveriesOf(two.txId))[0]!.status).toBe('dead');
  });

  it('replays every dead delivery when ids is absent', async () => {
    const { receiver, org } = await setup(() => 400);
    const flow = await registerFlow(t, org.token);
    await t.admin.advanceClock(FINALITY_MS);
    await waitUntil(() => receiver.received.length >= 1, 'attempt 1');
    receiver.setResponder(() => 200);
    const deadBefore = await t.admin.deliveries({ status: 'dead' });
    expect(deadBefore.length).toBeGreaterThan(1);
    const replay = await t.call('POST', '/_sandbox/webhooks/dlq/replay');
    expect(replay.status).toBe(202);
    await t.admin.advanceClock(1);
    await waitUntil(
      async () => (await deliveriesOf(flow.txId))[0]!.status === 'delivered',
      'the replay',
    );
    // Every dead delivery (other tests' included) got a new attempt.
    const all = await t.admin.deliveries();
    for (const before of deadBefore) {
      const now = all.find((d) => d.id === before.id)!;
      expect(now.attempts.length, before.id).toBeGreaterThan(before.attempts.length);
    }
  });

  it('restarts a full attempt series on replay', async () => {
    const { receiver, org } = await setup(() => 500);
    const flow = await registerFlow(t, org.token);
    await advanceToEnd(flow.txId);
    for (const wait of [1_000, 5_000, 30_000, 120_000, 600_000]) await t.admin.advanceClock(wait);
    await waitUntil(async () => (await deliveriesOf(flow.txId))[0]!.status === 'dead', 'the DLQ');
    expect(receiver.received).toHaveLength(6);
    await t.admin.replayDeadLetters([(await deliveriesOf(flow.txId))[0]!.id]);
    await t.admin.advanceClock(1);
    for (const wait of [1_000, 5_000, 30_000, 120_000]) await t.admin.advanceClock(wait);
    await waitUntil(() => receiver.received.length >= 11, 'five more attempts');
    expect((await deliveriesOf(flow.txId))[0]!.status).toBe('pending');
    await t.admin.advanceClock(600_000);
    await waitUntil(
      async () => (await deliveriesOf(flow.txId))[0]!.status === 'dead',
      'the DLQ again',
    );
    expect(receiver.received).toHaveLength(12);
  });

  it('answers 422 for a bad status filter', async () => {
    const answer = await t.call('GET', '/_sandbox/webhooks/deliveries?status=lost');
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('common.validation_failed');
  });
});

describe('webhook_url at key creation (§12, §17)', () => {
  it.each(['ftp://127.0.0.1/x', 'not a url', 'javascript:alert(1)'])(
    'refuses %s with 422 api_key.webhook_url_invalid',
    async (url) => {
      const org = await t.admin.createOrganization({ name: 'Hooks' });
      const answer = await t.call('POST', `/_sandbox/organizations/${org.id}/api-keys`, {
        body: { name: 'k', scopes: ['works:register'], webhook_url: url },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('api_key.webhook_url_invalid');
    },
  );

  it('has no webhook secret without a URL', async () => {
    const org = await t.admin.createOrganization({ name: 'No hooks' });
    const key = await t.admin.createApiKey(org.id, { name: 'k', scopes: ['works:register'] });
    expect(key.webhook_url).toBeNull();
    expect(key.webhook_secret_base64).toBeNull();
  });
});
