import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registerWork, seedOrganization, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
beforeAll(async () => {
  // Running clock: 12 s testnet blocks take 12 ms of wall time at this scale.
  t = await startTestSandbox({ paused: false, timeScale: 1000 });
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('the wall-clock driver', () => {
  it('pushes a transaction to finality on its own timers (no request, no advance)', async () => {
    const { token } = await seedOrganization(t);
    const { confirm } = await registerWork(t, token);
    const ws = new WebSocket(`${t.sandbox.url.replace('http', 'ws')}${confirm.body.ws_url}`);
    const steps: string[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'update') steps.push(frame.step);
    });
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1000);
    expect(steps[steps.length - 1]).toBe('completed');
  });
});
