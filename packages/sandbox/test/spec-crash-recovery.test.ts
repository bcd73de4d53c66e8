// Crash recovery (api.md §12 "the outbox is durable across restarts", §17 "a restart resumes
// in-flight transactions, webhook deliveries and virtual time"): the sandbox runs in a child
// process on a data directory, is SIGKILLed in the middle of the work, and restarted on it.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildSandbox, remoteSandbox, startChildSandbox } from './support/child-sandbox';
import {
  FINALITY_MS,
  registerFinal,
  registerFlow,
  seedOrg,
  startWebhookReceiver,
  waitUntil,
} from './support/spec-harness';

const children: ChildSandbox[] = [];
let dataDir: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ats-sandbox-crash-'));
  receiver = await startWebhookReceiver(() => 500);
}, 60_000);
afterAll(async () => {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null)
      child.process.kill('SIGKILL');
    await child.exited;
  }
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  const child = await startChildSandbox(dataDir);
  children.push(child);
  return { child, t: remoteSandbox(child.url) };
}

describe('a SIGKILL in the middle of the work', () => {
  it('loses no confirmed work, keeps each debit once, still delivers the queued webhook and completes in-flight transactions', async () => {
    const first = await start();
    let t = first.t;
    const org = await seedOrg(t, {
      credits: { testnet: 0, mainnet: 1000 },
      webhookUrl: receiver.url,
    });

    // A: final; its webhook's first attempt fails (500), so the delivery waits for its retry.
    const a = await registerFinal(t, org.token, {
      network: 'mainnet',
      body: { title: 'Before the crash' },
    });
    await waitUntil(() => receiver.received.length >= 1, 'the first attempt of A’s webhook');
    const [queued] = await t.admin.deliveries({ transactionId: a.txId });
    expect(queued!.status).toBe('pending');
    expect(queued!.next_attempt_at).not.toBeNull();
    // B: confirmed and submitted (in the pool, waiting for a block).
    const b = await registerFlow(t, org.token, {
      network: 'mainnet',
      body: { title: 'In the pool' },
    });
    await t.admin.advanceClock(1_500);
    expect((await t.call('GET', `/v1/transactions/${b.txId}`)).body.current_step).toBe(
      'submitting',
    );
    // C: just confirmed. D: prepared only.
    const c = await registerFlow(t, org.token, {
      network: 'mainnet',
      body: { title: 'Just confirmed' },
    });
    const d = await registerFlow(t, org.token, {
      network: 'mainnet',
      noConfirm: true,
      body: { title: 'Prepared' },
    });
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(1000 - 3 * 67);
    const clockBefore = await t.admin.clock();
    const firstAttemptBody = receiver.received[0]!.raw;

    first.child.process.kill('SIGKILL');
    await first.child.exited;

    const second = await start();
    t = second.t;
    // Nothing moved by itself: the same virtual time, balances and state.
    const clockAfter = await t.admin.clock();
    expect(Date.parse(clockAfter.now)).toBe(Date.parse(clockBefore.now));
    expect(clockAfter.heights).toEqual(clockBefore.heights);
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(1000 - 3 * 67);
    const listed = await t.call('GET', '/v1/works?network=mainnet', { token: org.token });
    expect(listed.status).toBe(200);
    expect(listed.body.works.map((w: { id: string }) => w.id)).toEqual([a.jobId]);
    expect((await t.call('GET', `/v1/transactions/${b.txId}`)).body.current_step).toBe(
      'submitting',
    );
    expect((await t.call('GET', `/v1/transactions/${c.txId}`)).body.current_step).toBe(
      'validating',
    );
    const [still] = await t.admin.deliveries({ transactionId: a.txId });
    expect(still).toMatchObject({
      id: queued!.id,
      status: 'pending',
      next_attempt_at: queued!.next_attempt_at,
    });
    expect(still!.attempts).toEqual(queued!.attempts);

    // Time moves on (past A's next retry, at most 2 min away): the retry delivers, the
    // transactions complete, each with its webhook.
    receiver.setResponder(() => 200);
    const receivedBefore = receiver.received.length;
    await t.admin.advanceClock(150_000);
    await waitUntil(
      () => receiver.received.length >= receivedBefore + 3,
      'A’s retry and the webhooks of B and C',
      10_000,
    );
    const retried = receiver.received.find(
      (r, i) => i >= receivedBefore && r.json.transaction_id === a.txId,
    )!;
    expect(retried.headers['x-allfeat-delivery']).toBe(queued!.id);
    expect(retried.raw.equals(firstAttemptBody)).toBe(true);
    for (const txId of [b.txId, c.txId]) {
      const status = await t.call('GET', `/v1/transactions/${txId}`);
      expect(status.body.current_step, txId).toBe('completed');
      expect(receiver.received.filter((r) => r.json.transaction_id === txId)).toHaveLength(1);
    }
    expect((await t.admin.deliveries({ transactionId: a.txId }))[0]!.status).toBe('delivered');
    const after = await t.call('GET', '/v1/works?network=mainnet', { token: org.token });
    expect(new Set(after.body.works.map((w: { id: string }) => w.id))).toEqual(
      new Set([a.jobId, b.jobId, c.jobId]),
    );
    // Debits: exactly once each, no refund, no second charge.
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(1000 - 3 * 67);
    // The prepared job survived with its quote.
    const confirmD = await t.call('POST', '/v1/works/confirm', {
      token: org.token,
      body: { job_id: d.jobId },
    });
    expect(confirmD.status, confirmD.text).toBe(202);
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(1000 - 4 * 67);
    // The files are still there.
    const link = await t.call('GET', `/v1/works/${a.jobId}/download/asset`, { token: org.token });
    const file = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
    expect(file).toEqual(a.file);
  });

  it('survives a second SIGKILL right after a confirm, without double debit or lost transaction', async () => {
    const running = children.at(-1)!;
    const t = remoteSandbox(running.url);
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 100 } });
    const flow = await registerFlow(t, org.token, { network: 'mainnet' });
    running.process.kill('SIGKILL');
    await running.exited;
    const again = await start();
    const status = await again.t.call('GET', `/v1/transactions/${flow.txId}`);
    expect(status.status).toBe(200);
    expect((await again.t.admin.credits(org.orgId)).mainnet).toBe(33);
    await again.t.admin.advanceClock(FINALITY_MS);
    expect((await again.t.call('GET', `/v1/transactions/${flow.txId}`)).body.current_step).toBe(
      'completed',
    );
    expect((await again.t.admin.credits(org.orgId)).mainnet).toBe(33);
    expect((await again.t.call('GET', '/_sandbox/health')).body.status).toBe('ok');
  });

  it('retries a webhook attempt that was in flight when the process died', async () => {
    // A receiver that holds the first request open (the attempt is in flight), then answers 200.
    const seen: { delivery: string; body: string }[] = [];
    let hold = true;
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          delivery: String(req.headers['x-allfeat-delivery']),
          body: Buffer.concat(chunks).toString(),
        });
        if (hold) held.push(res);
        else res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hold`;
      const running = await start();
      const org = await seedOrg(running.t, { webhookUrl: url });
      const flow = await registerFlow(running.t, org.token);
      // The advance waits for the attempt, which hangs: stop waiting on our side only.
      await fetch(`${running.child.url}/_sandbox/clock/advance`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ms: FINALITY_MS }),
        signal: AbortSignal.timeout(1_000),
      }).catch(() => undefined);
      await waitUntil(() => seen.length >= 1, 'the attempt to reach the receiver');
      running.child.process.kill('SIGKILL');
      await running.child.exited;
      for (const res of held) res.destroy();
      hold = false;

      const again = await start();
      await again.t.admin.advanceClock(1_000);
      await waitUntil(async () => {
        const [delivery] = await again.t.admin.deliveries({ transactionId: flow.txId });
        return delivery?.status === 'delivered';
      }, 'the retried attempt');
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(new Set(seen.map((s) => s.delivery)).size).toBe(1);
      expect(new Set(seen.map((s) => s.body)).size).toBe(1);
      expect(JSON.parse(seen[0]!.body)).toMatchObject({
        event: 'work_registered',
        transaction_id: flow.txId,
      });
    } finally {
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
