import {
  AtsAbortError,
  AtsTimeoutError,
  AtsTransactionFailedError,
  NotFoundError,
  type TrackingProgress,
} from '@ats-kit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { AtsClient } from './ats-client';
import {
  API_KEY,
  apiError,
  CONFIRMED,
  type FakeAtsApi,
  startFakeAtsApi,
  TX_ID,
  transactionStatus,
  updateFrame,
} from './test-fixtures/fake-ats-api';

let api: FakeAtsApi;
let client: AtsClient;
beforeEach(async () => {
  api = await startFakeAtsApi();
  client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, maxRetries: 0 });
});
afterEach(async () => {
  await api.close();
});

const STATUS_PATH = `/v1/transactions/${TX_ID}`;

/** Sends frames in order, then runs `after` once they are written. */
function sendFrames(socket: WebSocket, frames: string[], after?: () => void) {
  const [first, ...rest] = frames;
  if (first === undefined) {
    after?.();
    return;
  }
  socket.send(first, () => sendFrames(socket, rest, after));
}

/** Serves the status route with `statuses[n]` for the n-th read (the last one repeats). */
function serveStatuses(...statuses: ReturnType<typeof transactionStatus>[]) {
  let reads = 0;
  api.route('GET', STATUS_PATH, () => {
    const status = statuses[Math.min(reads, statuses.length - 1)];
    reads += 1;
    return { body: status };
  });
}

/** A sleep that returns at once and records each wait. */
function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}

function collectUpdates() {
  const updates: TrackingProgress[] = [];
  return { updates, onUpdate: (update: TrackingProgress) => updates.push(update) };
}

const ALL_STEPS = [
  'validating',
  'preparing_transaction',
  'signing',
  'submitting',
  'confirming',
  'completed',
];

describe('transactions.get()', () => {
  it('reads /v1/transactions/{id} without credentials and returns the wire status', async () => {
    serveStatuses(transactionStatus(6));
    const status = await client.transactions.get(TX_ID.toUpperCase());
    expect(api.requests[0]?.path).toBe(STATUS_PATH);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
    expect(status.is_complete).toBe(true);
    expect(status.result?.access_code).toMatch(/^atc_/);
  });

  it('gives a NotFoundError with the request_id for an unknown transaction', async () => {
    api.route('GET', STATUS_PATH, (request) => apiError(request, 404, 'transaction.not_found'));
    const error = await client.transactions.get(TX_ID).catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect((error as NotFoundError).requestId).toBe(api.requests[0]?.requestId);
  });

  it('refuses an id that is not a UUID before any request', async () => {
    await expect(client.transactions.get('42')).rejects.toThrow(/transactionId/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('transactions.wait() over the WebSocket', () => {
  it('streams each step, then reads the final status once', async () => {
    const socketPaths: string[] = [];
    api.onWebSocket((socket, path) => {
      socketPaths.push(path);
      const frames = [
        JSON.stringify({ type: 'connected', transaction_id: TX_ID }),
        ...[1, 2, 3, 4, 5, 6].map(updateFrame),
      ];
      sendFrames(socket, frames, () => socket.close(1000));
    });
    serveStatuses(transactionStatus(6));
    const { updates, onUpdate } = collectUpdates();
    const { delays, sleep } = recordingSleep();

    const outcome = await client.transactions.wait(TX_ID, { onUpdate, sleep });

    expect(socketPaths).toEqual([`/v1/ws/transactions/${TX_ID}`]);
    expect(updates.map((update) => update.step)).toEqual(ALL_STEPS);
    expect(updates.every((update) => update.via === 'websocket')).toBe(true);
    expect(updates[0]).toMatchObject({
      step: 'validating',
      progress: 5,
      description: 'validating',
    });
    expect(api.requests.map((request) => request.path)).toEqual([STATUS_PATH]);
    expect(delays).toEqual([]);
    expect(outcome.success).toBe(true);
    expect(outcome.status?.id).toBe(TX_ID);
    expect(outcome.result.ats_id).toBe(1);
  });

  it('uses the ws_url and status_url of a confirm answer', async () => {
    const socketPaths: string[] = [];
    api.onWebSocket((socket, path) => {
      socketPaths.push(path);
      sendFrames(socket, [updateFrame(6)]);
    });
    api.route('GET', '/v1/tx-status', () => ({ body: transactionStatus(6) }));
    await client.transactions.wait({
      ...CONFIRMED,
      ws_url: '/v1/tx-socket',
      status_url: '/v1/tx-status',
    });
    expect(socketPaths).toEqual(['/v1/tx-socket']);
    expect(api.requests.map((request) => request.path)).toEqual(['/v1/tx-status']);
  });

  it('resolves a failed transaction with success false, or throws with throwOnFailure', async () => {
    api.onWebSocket((socket) => {
      const failed = JSON.stringify({
        type: 'update',
        step: 'failed',
        progress: 100,
        description: 'failed',
        timestamp: '2026-04-30T11:00:10.000Z',
        details: { error: { code: 'transaction.failed', message: 'Chain refused it' } },
      });
      sendFrames(socket, [updateFrame(1), failed]);
    });
    serveStatuses(transactionStatus(4, { failed: true }));

    // The terminal frame carries the details: no status read is needed.
    const outcome = await client.transactions.wait(TX_ID);
    expect(outcome).toMatchObject({ success: false, step: 'failed', status: null });
    expect(outcome.result.error).toEqual({
      code: 'transaction.failed',
      message: 'Chain refused it',
    });
    expect(api.requests).toHaveLength(0);

    const error = await client.transactions
      .wait(TX_ID, { throwOnFailure: true })
      .catch((e: unknown) => e);
    expect(AtsTransactionFailedError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'transaction.failed' });
    expect((error as AtsTransactionFailedError).transactionId).toBe(TX_ID);
    expect((error as Error).message).toContain('Chain refused it');
  });

  it('closes the socket and rejects with AtsAbortError when the signal aborts', async () => {
    const closed = new Promise<number>((resolve) => {
      api.onWebSocket((socket) => {
        socket.on('close', (code) => resolve(code));
        sendFrames(socket, [updateFrame(1)]);
      });
    });
    const controller = new AbortController();
    const waiting = client.transactions.wait(TX_ID, {
      signal: controller.signal,
      onUpdate: () => controller.abort(),
    });
    await expect(waiting).rejects.toSatisfy((e) => AtsAbortError.is(e));
    expect(await closed).toBe(1000);
    expect(api.requests).toHaveLength(0);
  });
});

describe('transactions.wait() falling back to polling', () => {
  it('polls when the socket drops mid-way, announcing each step it sees once', async () => {
    api.onWebSocket((socket) => {
      // Two steps, then the connection is cut without a close frame.
      sendFrames(socket, [updateFrame(1), updateFrame(2)], () => socket.terminate());
    });
    serveStatuses(transactionStatus(3), transactionStatus(5), transactionStatus(6));
    const { updates, onUpdate } = collectUpdates();
    const { delays, sleep } = recordingSleep();

    const outcome = await client.transactions.wait(TX_ID, { onUpdate, sleep });

    expect(outcome.status?.is_complete).toBe(true);
    // A poll shows the current step only: `submitting` happened between two polls.
    expect(updates.map((update) => [update.step, update.via])).toEqual([
      ['validating', 'websocket'],
      ['preparing_transaction', 'websocket'],
      ['signing', 'polling'],
      ['confirming', 'polling'],
      ['completed', 'polling'],
    ]);
    expect(api.requests).toHaveLength(3);
    expect(delays).toEqual([2_000, 2_000]);
  });

  it('polls when the server refuses the upgrade', async () => {
    api.onWebSocket(null);
    serveStatuses(transactionStatus(2), transactionStatus(6));
    const info = vi.fn();
    const logged = new AtsClient({
      apiKey: API_KEY,
      baseUrl: api.baseUrl,
      logger: { info },
    });
    const { delays, sleep } = recordingSleep();
    const outcome = await logged.transactions.wait(TX_ID, { sleep, pollIntervalMs: 500 });
    expect(outcome.step).toBe('completed');
    expect(delays).toEqual([500]);
    expect(info).toHaveBeenCalledWith(
      expect.stringContaining('polling'),
      expect.objectContaining({ transactionId: TX_ID, reason: expect.any(String) }),
    );
  });

  it('polls after an error frame, and reports not_found through the status route', async () => {
    api.onWebSocket((socket) => {
      sendFrames(socket, [JSON.stringify({ type: 'not_found', transaction_id: TX_ID })], () =>
        socket.close(4404),
      );
    });
    api.route('GET', STATUS_PATH, (request) => apiError(request, 404, 'transaction.not_found'));
    const error = await client.transactions.wait(TX_ID).catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'transaction.not_found',
      requestId: api.requests[0]?.requestId,
    });
  });

  it('only polls with webSocket: false', async () => {
    const upgrades = vi.fn();
    api.onWebSocket(upgrades);
    serveStatuses(transactionStatus(1), transactionStatus(4), transactionStatus(6));
    const { delays, sleep } = recordingSleep();
    const outcome = await client.transactions.wait(TX_ID, { webSocket: false, sleep });
    expect(outcome.success).toBe(true);
    expect(upgrades).not.toHaveBeenCalled();
    expect(delays).toEqual([2_000, 2_000]);
  });

  it('keeps polling through a transient 503', async () => {
    let reads = 0;
    api.route('GET', STATUS_PATH, (request) => {
      reads += 1;
      return reads === 1
        ? apiError(request, 503, 'transaction.store_unavailable')
        : { body: transactionStatus(6) };
    });
    const { delays, sleep } = recordingSleep();
    const outcome = await client.transactions.wait(TX_ID, { webSocket: false, sleep });
    expect(outcome.success).toBe(true);
    expect(reads).toBe(2);
    expect(delays).toEqual([2_000]);
  });

  it('rejects with AtsTimeoutError after timeoutMs', async () => {
    serveStatuses(transactionStatus(2));
    // A sleep that only ends when the wait is cancelled: the deadline is what stops it.
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(signal.reason)),
      );
    const error = await client.transactions
      .wait(TX_ID, { webSocket: false, sleep, timeoutMs: 20 })
      .catch((e: unknown) => e);
    expect(AtsTimeoutError.is(error)).toBe(true);
    expect((error as AtsTimeoutError).timeoutMs).toBe(20);
  });
});
