// Webhook verification against deliveries the sandbox really sent to a local receiver: the ready
// handler (`createNodeWebhookHandler`) answers them, and `verifyWebhook` is run again on the raw
// bytes received, untouched and tampered with. The sandbox signs with its virtual clock (here an
// hour ahead of the wall clock), so the receivers are given that clock through `now`.
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AtsClient,
  AtsSignatureVerificationError,
  AtsTransactionFailedError,
  createNodeWebhookHandler,
  generateWebhookSecret,
  type NodeWebhookHandler,
  verifyWebhook,
  type WebhookEvent,
} from '../../src';
import { type LocalServer, listenLocally } from '../local-http-server';
import { audioBytes, CREATORS, createOrganization, makeClient } from './support/fixtures';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

let sandbox: SandboxProcess;
let receiver: LocalServer;
let handler: NodeWebhookHandler | undefined;
const deliveries: Delivery[] = [];
const events: WebhookEvent[] = [];
let sandboxNow: () => Date;

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  // The sandbox's clock runs an hour ahead of ours from here on.
  await sandbox.admin.advanceClock(3_600_000);
  const clock = await sandbox.admin.clock();
  const readAt = Date.now();
  sandboxNow = () => new Date(Date.parse(clock.now) + (Date.now() - readAt) * clock.time_scale);
  receiver = await listenLocally(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    deliveries.push({ headers: req.headers, raw });
    // The bytes as received, as express.raw() would leave them.
    (req as typeof req & { body: Buffer }).body = raw;
    if (handler) await handler(req, res);
    else res.writeHead(503).end();
  });
}, 30_000);
afterAll(async () => {
  await receiver?.close();
  await sandbox?.stop();
});

function signatureTime(delivery: Delivery): number {
  const header = String(delivery.headers['x-allfeat-signature']);
  return Number(/t=(\d+)/.exec(header)?.[1]);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (AtsSignatureVerificationError.is(error)) return error.reason;
    throw error;
  }
  throw new Error('expected the delivery to be refused');
}

const waiters: { count: number; resolve: () => void }[] = [];

function onEvent(event: WebhookEvent): void {
  events.push(event);
  for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
}

/** Resolves when the handler has passed on `count` events (the test times out otherwise). */
function eventsArrived(count: number): Promise<void> {
  if (events.length >= count) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ count, resolve }));
}

describe('webhook deliveries from the sandbox', () => {
  let client: AtsClient;
  let secret: string;
  const results: Record<string, { transaction_id: string; ats_id: number | null }> = {};

  beforeAll(async () => {
    const org = await createOrganization(sandbox.admin, { webhookUrl: `${receiver.url}/webhooks` });
    secret = org.webhookSecret as string;
    handler = createNodeWebhookHandler({
      secret,
      now: () => sandboxNow(),
      onEvent,
    });
    client = makeClient(sandbox.url, org);
    const registered = await client.works.register({
      title: 'Hooked',
      creators: CREATORS,
      file: audioBytes(2_000, 21),
      filename: 'hooked.wav',
    });
    results.registered = registered as { transaction_id: string; ats_id: number | null };
    results.updated = await client.works.updateVersion(registered.ats_id as number, {
      creators: CREATORS,
    });
    await sandbox.admin.setFaults({ chain_failure_rate: 1 });
    const failure = await client.works
      .register({
        title: 'Doomed',
        creators: CREATORS,
        file: audioBytes(900, 22),
        filename: 'd.wav',
      })
      .catch((e: unknown) => e);
    await sandbox.admin.setFaults({});
    expect(AtsTransactionFailedError.is(failure)).toBe(true);
    results.failed = {
      transaction_id: (failure as AtsTransactionFailedError).transactionId,
      ats_id: null,
    };
    await eventsArrived(3);
  }, 30_000);

  it('the handler verifies and answers each delivery; the events match the registrations', async () => {
    const byType = Object.fromEntries(events.map((event) => [event.event, event]));
    expect(byType.work_registered).toMatchObject({
      transaction_id: results.registered?.transaction_id,
      ats_id: results.registered?.ats_id,
      network: 'testnet',
      access_code: expect.stringMatching(/^atc_/),
    });
    expect(byType.work_updated).toMatchObject({
      transaction_id: results.updated?.transaction_id,
      ats_id: results.registered?.ats_id,
      version: 2,
    });
    expect(byType.work_failed).toMatchObject({
      transaction_id: results.failed?.transaction_id,
      reason: expect.any(String),
    });
    const delivered = await sandbox.admin.deliveries({ status: 'delivered' });
    expect(delivered).toHaveLength(3);
    for (const delivery of delivered) {
      expect(delivery.attempts.map((a) => a.http_status)).toEqual([200]);
    }
  });

  it('verifyWebhook accepts the raw bytes received, with the sandbox’s clock as now', () => {
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) {
      const t = signatureTime(delivery);
      expect(delivery.headers['x-allfeat-timestamp']).toBe(String(t));
      const event = verifyWebhook({
        rawBody: delivery.raw,
        headers: delivery.headers,
        secret,
        now: sandboxNow,
      });
      expect(events).toContainEqual(event);
    }
  });

  it('refuses a tampered body, a wrong secret and a missing header', () => {
    const delivery = deliveries[0] as Delivery;
    const now = sandboxNow;
    const tampered = Buffer.from(delivery.raw.toString('utf8').replace('"testnet"', '"mainnet"'));
    expect(tampered.equals(delivery.raw)).toBe(false);
    expect(
      refusal(() => verifyWebhook({ rawBody: tampered, headers: delivery.headers, secret, now })),
    ).toBe('no_matching_signature');
    const otherSecret = generateWebhookSecret();
    expect(
      refusal(() =>
        verifyWebhook({
          rawBody: delivery.raw,
          headers: delivery.headers,
          secret: otherSecret,
          now,
        }),
      ),
    ).toBe('no_matching_signature');
    const { 'x-allfeat-signature': _removed, ...headers } = delivery.headers;
    expect(refusal(() => verifyWebhook({ rawBody: delivery.raw, headers, secret, now }))).toBe(
      'missing_header',
    );
  });

  it('refuses stale and future timestamps: 301 s either side of the signature time', () => {
    const delivery = deliveries[0] as Delivery;
    const t = signatureTime(delivery) * 1000;
    const at = (ms: number) => () =>
      verifyWebhook({
        rawBody: delivery.raw,
        headers: delivery.headers,
        secret,
        now: new Date(ms),
      });
    expect(refusal(at(t + 301_000))).toBe('timestamp_too_old');
    expect(refusal(at(t - 301_000))).toBe('timestamp_in_future');
    expect(() => at(t + 299_000)()).not.toThrow();
    // Our own clock is an hour behind the sandbox's: the delivery looks an hour early.
    expect(
      refusal(() => verifyWebhook({ rawBody: delivery.raw, headers: delivery.headers, secret })),
    ).toBe('timestamp_in_future');
  });

  it('the handler answers a tampered delivery 400 and does not pass it on', async () => {
    const delivery = deliveries[0] as Delivery;
    const before = events.length;
    const response = await fetch(`${receiver.url}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-allfeat-signature': String(delivery.headers['x-allfeat-signature']),
        'x-allfeat-timestamp': String(delivery.headers['x-allfeat-timestamp']),
      },
      body: delivery.raw.toString('utf8').replace('"work_', '"work_x'),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'webhook_signature_invalid', reason: 'no_matching_signature' },
    });
    expect(events).toHaveLength(before);
  });
});
