import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registerWork, seedOrganization, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
let token: string;

beforeAll(async () => {
  t = await startTestSandbox();
  token = (await seedOrganization(t)).token;
});
afterAll(async () => {
  await t.sandbox.close();
});

/** Opens a socket and collects frames until it closes. */
function follow(path: string) {
  const ws = new WebSocket(`${t.sandbox.url.replace('http', 'ws')}${path}`);
  // biome-ignore lint/suspicious/noExplicitAny: frames are parsed JSON read field by field.
  const frames: any[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const received = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (frames.length >= count ? resolve() : setTimeout(check, 5));
      check();
    });
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.once('close', (code) => resolve({ code })),
  );
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  return { ws, frames, opened, received, closed };
}

describe('transaction WebSocket (§7.2)', () => {
  it('sends connected, the current step, each transition, then closes 1000', async () => {
    const { confirm } = await registerWork(t, token);
    const id = confirm.body.transaction_id;
    const socket = follow(`/v1/ws/transactions/${id}`);
    await socket.opened;
    await socket.received(2);
    expect(socket.frames[0]).toEqual({ type: 'connected', transaction_id: id });
    expect(socket.frames[1]).toMatchObject({ type: 'update', step: 'validating', progress: 5 });
    await t.admin.advanceClock(30_000);
    const { code } = await socket.closed;
    expect(code).toBe(1000);
    const steps = socket.frames.slice(1).map((f) => f.step);
    expect(steps).toEqual([
      'validating',
      'preparing_transaction',
      'signing',
      'submitting',
      'confirming',
      'completed',
    ]);
    const last = socket.frames[socket.frames.length - 1];
    expect(last.details).toMatchObject({ ats_id: expect.any(Number), error: null });
    expect(last.details.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('replays the terminal update to a late socket, on the alias path too', async () => {
    const { confirm } = await registerWork(t, token);
    await t.admin.advanceClock(30_000);
    const socket = follow(`/v1/transactions/${confirm.body.transaction_id}/ws`);
    const { code } = await socket.closed;
    expect(code).toBe(1000);
    expect(socket.frames.map((f) => f.type)).toEqual(['connected', 'update']);
    expect(socket.frames[1].step).toBe('completed');
  });

  it('cuts sockets without a close frame under ws_drop_rate', async () => {
    const { confirm } = await registerWork(t, token);
    await t.admin.setFaults({ ws_drop_rate: 1 });
    const socket = follow(`/v1/ws/transactions/${confirm.body.transaction_id}`);
    const { code } = await socket.closed;
    await t.admin.setFaults({});
    expect(code).toBe(1006);
    expect(socket.frames).toEqual([
      { type: 'connected', transaction_id: confirm.body.transaction_id },
    ]);
  });

  it('answers not_found and closes 4404 for an unknown id', async () => {
    const socket = follow('/v1/ws/transactions/00000000-0000-4000-8000-000000000000');
    const { code } = await socket.closed;
    expect(code).toBe(4404);
    expect(socket.frames).toEqual([
      { type: 'not_found', transaction_id: '00000000-0000-4000-8000-000000000000' },
    ]);
  });
});

describe('transaction status (§7.1, §7.3)', () => {
  it('is 404 transaction.not_found for unknown and non-UUID ids', async () => {
    expect((await t.call('GET', '/v1/transactions/nope')).body.error.code).toBe(
      'transaction.not_found',
    );
    expect(
      (await t.call('GET', '/v1/transactions/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
  });

  it('follows the testnet timeline: included by the next block, final one block later', async () => {
    await t.admin.setClock({ block_time_ms: { testnet: 12_000 } });
    const { confirm } = await registerWork(t, token);
    const id = confirm.body.transaction_id;
    await t.admin.advanceClock(1_500);
    expect((await t.call('GET', `/v1/transactions/${id}`)).body.current_step).toBe('submitting');
    await t.admin.advanceClock(12_000);
    expect((await t.call('GET', `/v1/transactions/${id}`)).body.current_step).toBe('confirming');
    await t.admin.advanceClock(12_000);
    const done = await t.call('GET', `/v1/transactions/${id}`);
    expect(done.body.current_step).toBe('completed');
    const { result } = done.body;
    const confirming = done.body.steps.find((s: { step: string }) => s.step === 'confirming');
    const completed = done.body.steps.find((s: { step: string }) => s.step === 'completed');
    expect(Date.parse(completed.timestamp) - Date.parse(confirming.timestamp)).toBe(12_000);
    const { createHash } = await import('node:crypto');
    expect(result.tx_hash).toBe(
      `0x${createHash('sha256').update(`tx:testnet:${id}`).digest('hex')}`,
    );
    expect(result.block_hash).toBe(
      `0x${createHash('sha256').update(`block:testnet:${result.block_number}`).digest('hex')}`,
    );
    expect(result.explorer_url).toBe(
      `https://explorer.allfeat.org/tx/${result.tx_hash}?network=testnet`,
    );
  });

  it('mines blocks on demand', async () => {
    const { confirm } = await registerWork(t, token, { network: 'mainnet' });
    await t.admin.advanceClock(1_500);
    const mined = await t.admin.mineBlocks('mainnet', 2);
    expect(mined.network).toBe('mainnet');
    const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
    expect(status.body.current_step).toBe('completed');
    expect(status.body.result.block_number).toBe(mined.height - 1);
  });
});
