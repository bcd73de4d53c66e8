import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrateWebhooks,
  WEBHOOK_RETRY_DELAYS_MS,
  WebhookOutbox,
  type WebhookOutboxOptions,
} from './webhook-outbox';

const SECRET = Buffer.alloc(32, 7);
const SECRET_BASE64 = SECRET.toString('base64');
const START = Date.UTC(2026, 3, 30, 11, 0, 0, 250);
const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A webhook receiver on loopback whose answers the test controls. */
async function startReceiver(handler: Handler = (_req, res) => res.writeHead(200).end('ok')) {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let current = handler;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      current(req, res, entry);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return {
    url: `http://127.0.0.1:${port}/hooks/ats`,
    received,
    answer(next: Handler) {
      current = next;
    },
    /** Resolves once `count` requests have arrived. */
    requests(count: number) {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    close,
  };
}

function status(code: number, headers: Record<string, string> = {}): Handler {
  return (_req, res) => res.writeHead(code, headers).end();
}

function fakeClock(start = START) {
  return {
    t: start,
    now() {
      return this.t;
    },
  };
}

function openOutbox(options: Partial<WebhookOutboxOptions> & { db?: Database.Database } = {}) {
  const db = options.db ?? new Database(':memory:');
  const clock = (options.clock as ReturnType<typeof fakeClock>) ?? fakeClock();
  const outbox = new WebhookOutbox({ ...options, db, clock });
  return { db, clock, outbox };
}

function payloadFor(transactionId = TX) {
  return {
    event: 'work_registered',
    transaction_id: transactionId,
    title_note: 'Café 🎵',
    nested: { b: 1, a: [1, 2] },
  };
}

function enqueue(outbox: WebhookOutbox, url: string, transactionId = TX): string {
  return outbox.enqueue({
    apiKeyId: '9a1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
    url,
    secretBase64: SECRET_BASE64,
    event: 'work_registered',
    transactionId,
    payload: payloadFor(transactionId),
  });
}

/** Runs attempts until none is due, advancing the fake clock to each due time. */
async function runUntilSettled(outbox: WebhookOutbox, clock: ReturnType<typeof fakeClock>) {
  for (let due = outbox.nextDueAt(); due !== null; due = outbox.nextDueAt()) {
    clock.t = Math.max(clock.t, due);
    await outbox.runDue();
  }
}

describe('WebhookOutbox', () => {
  it('POSTs the body with a signature the receiver can verify independently', async () => {
    const receiver = await startReceiver();
    const { outbox, clock } = openOutbox();
    const id = enqueue(outbox, receiver.url);
    await outbox.runDue();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const t = Math.floor(clock.now() / 1000);
    expect(request?.path).toBe('/hooks/ats');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-allfeat-timestamp']).toBe(String(t));
    expect(request?.headers['x-allfeat-delivery']).toBe(id);
    const expected = createHmac('sha256', SECRET)
      .update(Buffer.concat([Buffer.from(`${t}.`), request!.body]))
      .digest('hex');
    expect(request?.headers['x-allfeat-signature']).toBe(`t=${t},v1=${expected}`);
    expect(request?.body.toString('utf8')).toBe(JSON.stringify(payloadFor()));

    const [delivery] = outbox.list();
    expect(delivery).toEqual({
      id,
      api_key_id: '9a1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
      url: receiver.url,
      event: 'work_registered',
      transaction_id: TX,
      status: 'delivered',
      attempts: [{ n: 1, at: '2026-04-30T11:00:00.250Z', http_status: 200, error: null }],
      next_attempt_at: null,
      body: payloadFor(),
    });
    expect(outbox.nextDueAt()).toBeNull();
  });

  it('enqueues due now, inside the caller transaction', () => {
    const { outbox, db, clock } = openOutbox();
    db.transaction(() => {
      enqueue(outbox, 'http://127.0.0.1:9/x');
    })();
    expect(outbox.nextDueAt()).toBe(clock.now());
    expect(outbox.list()[0]?.next_attempt_at).toBe('2026-04-30T11:00:00.250Z');
    expect(() =>
      db.transaction(() => {
        enqueue(outbox, 'http://127.0.0.1:9/x', 'rolled-back');
        throw new Error('finality failed');
      })(),
    ).toThrow('finality failed');
    expect(outbox.list({ transactionId: 'rolled-back' })).toEqual([]);
  });

  it('retries after 1 s, 5 s, 30 s, 2 min and 10 min of virtual time, then parks in the DLQ', async () => {
    const receiver = await startReceiver(status(503));
    const { outbox, clock } = openOutbox();
    enqueue(outbox, receiver.url);

    const times: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const due = outbox.nextDueAt();
      expect(due).not.toBeNull();
      clock.t = due!;
      times.push(clock.t);
      // Nothing is sent early.
      if (attempt > 1) {
        clock.t -= 1;
        await outbox.runDue();
        expect(receiver.received).toHaveLength(attempt - 1);
        clock.t += 1;
      }
      await outbox.runDue();
      expect(receiver.received).toHaveLength(attempt);
    }
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([...WEBHOOK_RETRY_DELAYS_MS]);
    expect(outbox.nextDueAt()).toBeNull();

    const [delivery] = outbox.list({ status: 'dead' });
    expect(delivery?.attempts.map((a) => [a.n, a.http_status, a.error])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, 503, 'HTTP 503']),
    );
    expect(delivery?.attempts.map((a) => a.at)).toEqual(
      times.map((t) => new Date(t).toISOString()),
    );
    expect(delivery?.next_attempt_at).toBeNull();
  });

  it('sends the same bytes and delivery id on every attempt, each freshly signed', async () => {
    const receiver = await startReceiver(status(500));
    const { outbox, clock } = openOutbox();
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    receiver.answer(status(204));
    clock.t = outbox.nextDueAt()!;
    await outbox.runDue();

    const [first, second] = receiver.received;
    expect(first?.body.equals(second!.body)).toBe(true);
    expect(first?.headers['x-allfeat-delivery']).toBe(second?.headers['x-allfeat-delivery']);
    expect(first?.headers['x-allfeat-timestamp']).toBe(String(Math.floor(START / 1000)));
    expect(second?.headers['x-allfeat-timestamp']).toBe(String(Math.floor((START + 1000) / 1000)));
    expect(first?.headers['x-allfeat-signature']).not.toBe(second?.headers['x-allfeat-signature']);
    expect(outbox.list()[0]?.status).toBe('delivered');
  });

  it.each([400, 401, 404, 410, 422])('parks a %i answer in the DLQ at once', async (code) => {
    const receiver = await startReceiver(status(code));
    const { outbox } = openOutbox();
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    const [delivery] = outbox.list();
    expect(delivery?.status).toBe('dead');
    expect(delivery?.attempts).toEqual([
      {
        n: 1,
        at: expect.any(String),
        http_status: code,
        error: expect.stringContaining(`${code}`),
      },
    ]);
    expect(outbox.nextDueAt()).toBeNull();
  });

  it.each([408, 429, 500, 502, 503])('retries a %i answer', async (code) => {
    const receiver = await startReceiver(status(code));
    const { outbox, clock } = openOutbox();
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: [{ http_status: code }],
    });
    expect(outbox.nextDueAt()).toBe(clock.now() + 1000);
  });

  it('retries a redirect without following it', async () => {
    const receiver = await startReceiver((req, res) => {
      if (req.url === '/moved') res.writeHead(200).end();
      else res.writeHead(302, { Location: '/moved' }).end();
    });
    const { outbox } = openOutbox();
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/ats']);
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: [{ http_status: 302, error: expect.stringContaining('redirect') }],
    });
  });

  it('retries a receiver that does not answer in time', async () => {
    const receiver = await startReceiver(() => {
      // Never answers; the socket is closed when the test ends.
    });
    const { outbox, clock } = openOutbox({ answerTimeoutMs: 50 });
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    expect(receiver.received).toHaveLength(1);
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: [{ n: 1, http_status: null, error: 'no answer within 50 ms' }],
    });
    expect(outbox.nextDueAt()).toBe(clock.now() + 1000);
  });

  it('retries when nothing listens', async () => {
    const receiver = await startReceiver();
    await receiver.close();
    const { outbox } = openOutbox();
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: [{ http_status: null, error: 'network error: ECONNREFUSED' }],
    });
  });

  it('replays dead deliveries with the same id and body, counting on from the last attempt', async () => {
    const receiver = await startReceiver(status(410));
    const { outbox, clock } = openOutbox();
    const first = enqueue(outbox, receiver.url, 'tx-a');
    const second = enqueue(outbox, receiver.url, 'tx-b');
    await outbox.runDue();
    expect(outbox.list({ status: 'dead' }).map((d) => d.id)).toEqual([first, second]);

    clock.t += 60_000;
    receiver.answer(status(200));
    expect(outbox.replay([first, 'unknown-id'])).toEqual([first]);
    expect(outbox.nextDueAt()).toBe(clock.now());
    await outbox.runDue();

    const replayed = outbox.list({ transactionId: 'tx-a' })[0];
    expect(replayed).toMatchObject({ id: first, status: 'delivered' });
    expect(replayed?.attempts.map((a) => [a.n, a.http_status])).toEqual([
      [1, 410],
      [2, 200],
    ]);
    expect(receiver.received[2]?.headers['x-allfeat-delivery']).toBe(first);
    expect(receiver.received[2]?.body.equals(receiver.received[0]!.body)).toBe(true);
    expect(outbox.list({ status: 'dead' }).map((d) => d.id)).toEqual([second]);

    // Without ids: every dead delivery; a delivered one is not replayed.
    expect(outbox.replay()).toEqual([second]);
    expect(outbox.replay([first])).toEqual([]);
  });

  it('gives a replayed delivery a full new series of six attempts', async () => {
    const receiver = await startReceiver(status(503));
    const { outbox, clock } = openOutbox();
    enqueue(outbox, receiver.url);
    await runUntilSettled(outbox, clock);
    expect(receiver.received).toHaveLength(6);
    outbox.replay();
    await runUntilSettled(outbox, clock);
    expect(receiver.received).toHaveLength(12);
    expect(outbox.list()[0]?.status).toBe('dead');
  });

  it('never sends one attempt twice when runDue calls overlap', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = await startReceiver((_req, res) => {
      void gate.then(() => res.writeHead(200).end());
    });
    const { outbox } = openOutbox();
    enqueue(outbox, receiver.url, 'tx-1');
    enqueue(outbox, receiver.url, 'tx-2');
    const running = outbox.runDue();
    const overlapping = outbox.runDue();
    expect(outbox.nextDueAt()).toBeNull(); // both are in flight
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([running, overlapping]);
    expect(receiver.received).toHaveLength(2);
    expect(outbox.list({ status: 'delivered' })).toHaveLength(2);
  });

  it('tells the spine when the schedule may have moved', async () => {
    const receiver = await startReceiver(status(500));
    let changes = 0;
    const { outbox } = openOutbox({ onScheduleChange: () => changes++ });
    enqueue(outbox, receiver.url);
    expect(changes).toBe(1);
    await outbox.runDue();
    expect(changes).toBe(2);
  });

  it('keeps no secret in logs', async () => {
    const receiver = await startReceiver(status(500));
    const lines: string[] = [];
    const log = {
      info: (message: string, fields?: Record<string, unknown>) =>
        lines.push(JSON.stringify({ message, fields })),
      warn: (message: string, fields?: Record<string, unknown>) =>
        lines.push(JSON.stringify({ message, fields })),
    };
    const { outbox } = openOutbox({ log });
    enqueue(outbox, receiver.url);
    await outbox.runDue();
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(SECRET_BASE64);
  });

  it('refuses an enqueue without a usable url or secret', () => {
    const { outbox } = openOutbox();
    const base = {
      apiKeyId: 'k',
      url: 'https://hooks.example.com/x',
      secretBase64: SECRET_BASE64,
      event: 'work_registered',
      transactionId: TX,
      payload: {},
    };
    expect(() => outbox.enqueue({ ...base, url: 'ftp://x' })).toThrow(/url/);
    expect(() => outbox.enqueue({ ...base, secretBase64: '' })).toThrow(/secretBase64/);
    expect(() => outbox.enqueue({ ...base, payload: undefined })).toThrow(/JSON/);
  });

  describe('durability', () => {
    function tempDbPath(): string {
      const dir = mkdtempSync(join(tmpdir(), 'ats-webhooks-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return join(dir, 'sandbox.db');
    }

    it('keeps pending deliveries across a close and reopen of the database file', async () => {
      const path = tempDbPath();
      const receiver = await startReceiver(status(503));
      const clock = fakeClock();
      const first = openOutbox({ db: new Database(path), clock });
      const id = enqueue(first.outbox, receiver.url);
      await first.outbox.runDue();
      first.db.close();

      receiver.answer(status(200));
      const db = new Database(path);
      cleanups.push(() => {
        db.close();
      });
      const reopened = new WebhookOutbox({ db, clock });
      expect(reopened.list()).toMatchObject([{ id, status: 'pending', attempts: [{ n: 1 }] }]);
      clock.t = reopened.nextDueAt()!;
      expect(clock.t).toBe(START + 1000);
      await reopened.runDue();
      expect(reopened.list()[0]).toMatchObject({ id, status: 'delivered' });
      expect(receiver.received[1]?.body.equals(receiver.received[0]!.body)).toBe(true);
    });

    it('retries an attempt that was in flight when the process died', async () => {
      const path = tempDbPath();
      let release: () => void = () => {};
      const receiver = await startReceiver((_req, res) => {
        release = () => res.writeHead(200).end();
      });
      const clock = fakeClock();
      const first = openOutbox({ db: new Database(path), clock, log: { info() {}, warn() {} } });
      const id = enqueue(first.outbox, receiver.url);
      const running = first.outbox.runDue();
      await receiver.requests(1);
      // The process dies mid-attempt: the result is never written.
      first.db.close();
      release();
      await running;
      receiver.answer(status(200));

      const db = new Database(path);
      cleanups.push(() => {
        db.close();
      });
      const reopened = new WebhookOutbox({ db, clock });
      expect(reopened.nextDueAt()).toBe(START);
      await reopened.runDue();
      expect(receiver.received).toHaveLength(2);
      expect(reopened.list()[0]).toMatchObject({ id, status: 'delivered', attempts: [{ n: 1 }] });
    });

    it('leaves aborted attempts pending at shutdown, uncounted', async () => {
      const receiver = await startReceiver(() => {});
      const { outbox } = openOutbox();
      enqueue(outbox, receiver.url);
      const running = outbox.runDue();
      await receiver.requests(1);
      outbox.abortInFlight();
      await running;
      expect(outbox.list()[0]).toMatchObject({ status: 'pending', attempts: [] });
      expect(outbox.nextDueAt()).toBe(START);
    });

    it('migrates idempotently and clears on reset', () => {
      const db = new Database(':memory:');
      migrateWebhooks(db);
      migrateWebhooks(db);
      const { outbox } = openOutbox({ db });
      enqueue(outbox, 'http://127.0.0.1:9/x');
      outbox.clear();
      expect(outbox.list()).toEqual([]);
    });
  });
});
