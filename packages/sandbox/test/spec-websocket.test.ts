// api.md §7.2: the transaction WebSocket — connected, the current step at connect, one update per
// transition, terminal details, close 1000; not_found and close 4404; sockets opened after the end.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers';
import {
  FINALITY_MS,
  FrameCollector,
  ISO_MS,
  registerFinal,
  registerFlow,
  seedOrg,
  waitUntil,
  wsUrl,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;
const sockets: FrameCollector[] = [];

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t);
});
afterEach(async () => {
  await t.admin.setFaults({});
});
afterAll(async () => {
  for (const s of sockets) s.socket.terminate();
  await t.sandbox.close();
});

function open(path: string): FrameCollector {
  const socket = new FrameCollector(wsUrl(t, path));
  sockets.push(socket);
  return socket;
}

const STEPS = [
  'validating',
  'preparing_transaction',
  'signing',
  'submitting',
  'confirming',
  'completed',
];
const PROGRESS: Record<string, number> = {
  validating: 5,
  preparing_transaction: 20,
  signing: 40,
  submitting: 60,
  confirming: 80,
  completed: 100,
  failed: 100,
};

describe.each(['/v1/ws/transactions/{id}', '/v1/transactions/{id}/ws'])(
  'WebSocket at %s (§7.2)',
  (pattern) => {
    it('sends connected, the current step, one update per transition, the terminal details, then closes 1000', async () => {
      const flow = await registerFlow(t, org.token);
      const ws = open(pattern.replace('{id}', flow.txId!));
      await ws.opened;
      await ws.waitForFrames(2);
      expect(ws.frames[0]).toEqual({ type: 'connected', transaction_id: flow.txId });
      expect(ws.frames[1]).toMatchObject({ type: 'update', step: 'validating', progress: 5 });
      for (let i = 0; i < 80 && ws.closeCode === null; i++) {
        await t.admin.advanceClock(500);
        const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
        const expectedSteps = STEPS.indexOf(status.body.current_step) + 1;
        await ws.waitForFrames(1 + expectedSteps);
        if (status.body.is_complete) break;
      }
      expect(await ws.waitForClose()).toBe(1000);
      const updates = ws.frames.slice(1);
      expect(updates.map((f) => f.type)).toEqual(STEPS.map(() => 'update'));
      expect(updates.map((f) => f.step)).toEqual(STEPS);
      for (const frame of updates) {
        expect(frame.progress).toBe(PROGRESS[frame.step]);
        expect(typeof frame.description).toBe('string');
        expect(frame.timestamp).toMatch(ISO_MS);
        if (frame.step !== 'completed') expect(frame.details).toBeUndefined();
      }
      const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
      const terminal = updates.at(-1)!;
      expect(terminal.details).toMatchObject({
        tx_hash: status.body.result.tx_hash,
        block_number: status.body.result.block_number,
        block_hash: status.body.result.block_hash,
        ats_id: status.body.result.ats_id,
        work_id: status.body.result.work_id,
        explorer_url: status.body.result.explorer_url,
        access_code: status.body.result.access_code,
        error: null,
      });
      // The frames' timestamps are the status route's step timestamps.
      expect(updates.map((f) => f.timestamp)).toEqual(
        status.body.steps.map((s: { timestamp: string }) => s.timestamp),
      );
    });

    it('sends every transition in order when one advance crosses them all', async () => {
      const flow = await registerFlow(t, org.token);
      const ws = open(pattern.replace('{id}', flow.txId!));
      await ws.opened;
      await ws.waitForFrames(2);
      await t.admin.advanceClock(FINALITY_MS);
      expect(await ws.waitForClose()).toBe(1000);
      expect(ws.frames.slice(1).map((f) => f.step)).toEqual(STEPS);
    });

    it('answers an unknown id with not_found and close 4404', async () => {
      for (const id of ['6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048', 'not-a-uuid']) {
        const ws = open(pattern.replace('{id}', id));
        expect(await ws.waitForClose()).toBe(4404);
        expect(ws.frames).toEqual([{ type: 'not_found', transaction_id: id }]);
      }
    });

    it('gives a socket opened after the end: connected, the terminal update with details, close 1000', async () => {
      const done = await registerFinal(t, org.token);
      const ws = open(pattern.replace('{id}', done.txId!));
      expect(await ws.waitForClose()).toBe(1000);
      expect(ws.frames).toHaveLength(2);
      expect(ws.frames[0]).toEqual({ type: 'connected', transaction_id: done.txId });
      expect(ws.frames[1]).toMatchObject({
        type: 'update',
        step: 'completed',
        progress: 100,
        details: {
          tx_hash: done.result.tx_hash,
          ats_id: done.result.ats_id,
          work_id: done.result.work_id,
          error: null,
        },
      });
    });
  },
);

describe('WebSocket details', () => {
  it('ends a failed transaction with a failed update carrying the error, then close 1000', async () => {
    await t.admin.setFaults({ chain_failure_rate: 1 });
    const flow = await registerFlow(t, org.token, { network: 'mainnet' });
    const ws = open(`/v1/ws/transactions/${flow.txId}`);
    await ws.opened;
    await ws.waitForFrames(2);
    await t.admin.advanceClock(FINALITY_MS);
    expect(await ws.waitForClose()).toBe(1000);
    const terminal = ws.frames.at(-1);
    expect(terminal).toMatchObject({ type: 'update', step: 'failed', progress: 100 });
    const error = terminal.details.error;
    expect(typeof error === 'string' || error.code === 'transaction.failed').toBe(true);
    expect(ws.frames.slice(1).map((f) => f.step)).toEqual([
      'validating',
      'preparing_transaction',
      'signing',
      'submitting',
      'failed',
    ]);
  });

  it('ignores client frames', async () => {
    const flow = await registerFlow(t, org.token);
    const ws = open(`/v1/ws/transactions/${flow.txId}`);
    await ws.opened;
    ws.socket.send('hello');
    ws.socket.send(JSON.stringify({ type: 'subscribe', transaction_id: 'x' }));
    ws.socket.send(Buffer.from([0xff, 0x00, 0xfe]));
    await ws.waitForFrames(2);
    await t.admin.advanceClock(FINALITY_MS);
    expect(await ws.waitForClose()).toBe(1000);
    expect(ws.frames.slice(1).map((f) => f.step)).toEqual(STEPS);
  });

  it('serves several sockets of one transaction alike', async () => {
    const flow = await registerFlow(t, org.token);
    const a = open(`/v1/ws/transactions/${flow.txId}`);
    const b = open(`/v1/transactions/${flow.txId}/ws`);
    await Promise.all([a.opened, b.opened]);
    await a.waitForFrames(2);
    await b.waitForFrames(2);
    await t.admin.advanceClock(FINALITY_MS);
    await Promise.all([a.waitForClose(), b.waitForClose()]);
    expect(a.frames).toEqual(b.frames);
  });

  it('cuts the socket without a close frame under ws_drop_rate (close 1006)', async () => {
    const flow = await registerFlow(t, org.token);
    await t.admin.setFaults({ ws_drop_rate: 1 });
    const ws = open(`/v1/ws/transactions/${flow.txId}`);
    expect(await ws.waitForClose()).toBe(1006);
    expect(ws.frames.length).toBeGreaterThanOrEqual(1);
    expect(ws.frames[0]).toEqual({ type: 'connected', transaction_id: flow.txId });
    await waitUntil(() => ws.socket.readyState === ws.socket.CLOSED, 'the socket to close');
  });
});
