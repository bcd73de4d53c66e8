import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src';
import { audioBytes, CREATOR } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'ats-sandbox-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function post(url: string, token: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, string>;
}

describe('a sandbox on a data directory', () => {
  it('keeps data, virtual time and in-flight transactions across a restart', async () => {
    const first = await startSandbox({ dataDir, port: 0, paused: true });
    const demo = await first.admin.seedDemo();
    const init = await post(`${first.url}/v1/works/init`, demo.apiKey, {
      network: 'testnet',
      title: 'Survivor',
      filename: 's.wav',
      creators: [CREATOR],
    });
    await fetch(init.upload_url!, { method: 'PUT', body: audioBytes(500) });
    await post(`${first.url}/v1/works/prepare`, demo.apiKey, { job_id: init.job_id });
    const confirm = await post(`${first.url}/v1/works/confirm`, demo.apiKey, {
      job_id: init.job_id,
    });
    await first.admin.advanceClock(1_500);
    const before = await first.admin.clock();
    await first.close();

    const second = await startSandbox({ dataDir, port: 0, paused: true });
    const after = await second.admin.clock();
    expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(before.now));
    const pending = await (
      await fetch(`${second.url}/v1/transactions/${confirm.transaction_id}`)
    ).json();
    expect(pending.current_step).toBe('submitting');
    await second.admin.advanceClock(30_000);
    const done = await (
      await fetch(`${second.url}/v1/transactions/${confirm.transaction_id}`)
    ).json();
    expect(done.current_step).toBe('completed');
    const deliveries = await second.admin.deliveries({ transactionId: confirm.transaction_id });
    expect(deliveries).toHaveLength(1);
    await second.close();
  });
});
