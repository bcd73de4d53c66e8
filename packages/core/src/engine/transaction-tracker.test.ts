import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AtsAbortError, AtsError } from '../errors';
import { createTransport } from '../transport';
import {
  createTestClock,
  type FakeAtsServer,
  startFakeAtsServer,
  type TestClock,
} from './test-fixtures/fake-ats-server';
import { type TrackTransactionOptions, trackTransaction } from './transaction-tracker';
import type { EngineTimers, TrackingProgress } from './types';

let clock: TestClock;
let server: FakeAtsServer;

beforeEach(async () => {
  clock = createTestClock();
  server = await startFakeAtsServer(clock);
});
afterEach(async () => {
  await server.close();
});

/** Timers fired by hand, so a socket watchdog can be tested without waiting. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: EngineTimers = {
    setTimeout: (callback) => {
      next += 1;
      pending.set(next, callback);
      return next;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  const fireAll = () => {
    const callbacks = [...pending.values()];
    pending.clear();
    for (const callback of callbacks) callback();
  };
  return { timers, fireAll, pending };
}

function options(
  transactionId: string,
  overrides: Partial<TrackTransactionOptions> = {},
): TrackTransactionOptions & { updates: TrackingProgress[]; fallbacks: string[] } {
  const updates: TrackingProgress[] = [];
  const fallbacks: string[] = [];
  return {
    transport: createTransport({
      baseUrl: server.baseUrl,
      auth: { type: 'none' },
      sleep: clock.sleep,
    }),
    transactionId,
    webSocket: null,
    signal: new AbortController().signal,
    sleep: clock.sleep,
    timers: manualTimers().timers,
    now: clock.now,
    intervalMs: 2_000,
    backoffAfterMs: 30_000,
    maxIntervalMs: 10_000,
    socketIdleTimeoutMs: 60_000,
    onUpdate: (progress) => updates.push(progress),
    onFallback: (reason) => fallbacks.push(reason),
    updates,
    fallbacks,
    ...overrides,
  };
}

/** Keeps the transaction at its first step for `polls` status reads. */
function stall(polls: number): void {
  server.intercept(
    'GET',
    /^\/v1\/transactions\//,
    async (_request, proceed) => {
      const answer = await proceed();
      const body = answer.json as Record<string, unknown>;
      return {
        status: 200,
        json: {
          ...body,
          current_step: 'validating',
          progress: 5,
          is_complete: false,
          result: null,
        },
      };
    },
    polls,
  );
}

describe('trackTransaction: polling', () => {
  it('polls every 2 s, and backs off after 30 s by doubling up to 10 s', async () => {
    const id = server.seedTransaction('testnet');
    stall(20);
    const outcome = await trackTransaction(options(id));
    expect(outcome.success).toBe(true);
    expect(clock.sleeps.slice(0, 15)).toEqual(Array(15).fill(2_000));
    expect(clock.sleeps.slice(15, 19)).toEqual([4_000, 8_000, 10_000, 10_000]);
  });

  it('reports each step the server gives, with its own progress', async () => {
    const id = server.seedTransaction('testnet');
    const o = options(id);
    await trackTransaction(o);
    expect(o.updates.map((u) => [u.step, u.progress])).toEqual([
      ['validating', 5],
      ['preparing_transaction', 20],
      ['signing', 40],
      ['submitting', 60],
      ['confirming', 80],
      ['completed', 100],
    ]);
  });

  it('gives up at the deadline with tracking_timeout', async () => {
    const id = server.seedTransaction('testnet');
    stall(50);
    const error = await trackTransaction(options(id, { deadline: clock.now() + 20_000 })).catch(
      (e: unknown) => e,
    );
    expect(AtsError.is(error) && error.code).toBe('tracking_timeout');
  });

  it('fails on an unknown transaction', async () => {
    const error = await trackTransaction(options('00000000-0000-4000-8000-000000000000')).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'transaction.not_found', status: 404 });
  });

  it('keeps polling through a transient failure', async () => {
    const id = server.seedTransaction('testnet');
    server.intercept(
      'GET',
      /^\/v1\/transactions\//,
      () => ({
        status: 503,
        json: { error: { code: 'transaction.store_unavailable', message: 'down' } },
      }),
      3,
    );
    const outcome = await trackTransaction(options(id));
    expect(outcome.success).toBe(true);
  });

  it('stops at once on abort', async () => {
    const id = server.seedTransaction('testnet');
    stall(100);
    const controller = new AbortController();
    const o = options(id, {
      signal: controller.signal,
      onUpdate: () => controller.abort(),
    });
    const error = await trackTransaction(o).catch((e: unknown) => e);
    expect(AtsAbortError.is(error)).toBe(true);
    expect(server.seen('GET', /^\/v1\/transactions\//)).toHaveLength(1);
  });
});

describe('trackTransaction: WebSocket', () => {
  it('switches to polling when the socket stays silent past the idle timeout', async () => {
    server.settings.wsMode = 'silent';
    const id = server.seedTransaction('testnet');
    const manual = manualTimers();
    const o = options(id, { webSocket: WebSocket, timers: manual.timers });
    const tracking = trackTransaction(o);
    const deadline = Date.now() + 2_000;
    while (server.sockets.opened === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    manual.fireAll();
    const outcome = await tracking;
    expect(outcome.success).toBe(true);
    expect(o.fallbacks).toEqual(['the socket was silent for 60000 ms']);
    expect(o.updates.at(-1)?.via).toBe('polling');
  });

  it('takes the result from the terminal frame’s details without reading the status route', async () => {
    const id = server.seedTransaction('mainnet');
    const o = options(id, { webSocket: WebSocket });
    const outcome = await trackTransaction(o);
    expect(outcome).toMatchObject({ success: true, step: 'completed', status: null });
    expect(outcome.result).toMatchObject({
      ats_id: 1,
      access_code: expect.stringMatching(/^atc_/),
    });
    expect(server.seen('GET', /./)).toHaveLength(0);
  });

  it('falls back when the constructor throws', async () => {
    const id = server.seedTransaction('testnet');
    const Broken = class {
      constructor() {
        throw new Error('no sockets here');
      }
    } as unknown as typeof WebSocket;
    const o = options(id, { webSocket: Broken });
    await expect(trackTransaction(o)).resolves.toMatchObject({ success: true });
    expect(o.fallbacks).toEqual(['the socket could not be created']);
  });
});
