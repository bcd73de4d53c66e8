import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../auth/authenticate';
import { VirtualClock } from '../clock/virtual-clock';
import type { SandboxContext } from '../context';
import { openDatabase } from '../db/database';
import { isApiFailure } from '../http/api-failure';
import { errorResponse } from '../http/envelope';
import { jsonResponse } from '../http/json';
import { canonicalJson, IDEMPOTENCY_WAIT_MS, runIdempotent } from './idempotency';

describe('canonicalJson', () => {
  it('compares bodies as parsed JSON: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(
      canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});

// The wait for a first request with the same key is wall-clock time (api.md §13 "waits up to
// 10 s"): it is how long a client's request is held, and a paused virtual clock would hold it
// forever. Fake timers move that wall clock here, so the real 10 s is tested without sleeping.
describe('runIdempotent: the same key while the first request runs (api.md §13)', () => {
  const principal = { partition: 'api_key:test' } as Principal;
  let ctx: SandboxContext;
  let runs: number;
  let answerFirst: (status?: number) => void;
  let firstStarted: Promise<void>;
  let app: Hono;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    ctx = {
      db: openDatabase({ memory: true }),
      clock: new VirtualClock({ paused: true }),
    } as unknown as SandboxContext;
    runs = 0;
    let started: () => void = () => {};
    firstStarted = new Promise((resolve) => {
      started = resolve;
    });
    const firstAnswer = new Promise<number>((resolve) => {
      answerFirst = (status = 200) => resolve(status);
    });
    app = new Hono();
    app.post('/v1/works/init', async (c) => {
      try {
        const body: unknown = await c.req.json();
        return await runIdempotent(c, ctx, principal, 'key-1', body, async () => {
          const run = ++runs;
          let status = 200;
          if (run === 1) {
            started();
            status = await firstAnswer;
          }
          if (status >= 500) throw new Error('the first run crashed');
          return jsonResponse(status, { job_id: `job-${run}` });
        });
      } catch (error) {
        if (isApiFailure(error)) return errorResponse(c, error);
        return c.json({ error: { code: 'common.internal_error' } }, 500);
      }
    });
  });

  afterEach(() => {
    vi.useRealTimers();
    ctx.db.close();
  });

  const send = async (body: unknown = { title: 'A' }): Promise<Response> =>
    app.request('/v1/works/init', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('waits for the first request and replays its answer', async () => {
    const first = send();
    await firstStarted;
    const second = send();
    await vi.advanceTimersByTimeAsync(IDEMPOTENCY_WAIT_MS - 1_000);
    answerFirst();
    await vi.advanceTimersByTimeAsync(100);
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.text()).toBe(await a.text());
    expect(runs).toBe(1);
  });

  it('gives up after 10 s with 409 common.idempotency_in_progress and Retry-After: 1', async () => {
    const first = send();
    await firstStarted;
    let settled = false;
    const second = send().finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(IDEMPOTENCY_WAIT_MS - 100);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    const answer = await second;
    expect(answer.status).toBe(409);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
      'common.idempotency_in_progress',
    );

    // The first still finishes and is stored; a retry then replays it.
    answerFirst();
    expect((await first).status).toBe(200);
    const retry = await send();
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual({ job_id: 'job-1' });
    expect(runs).toBe(1);
  });

  it('a waiting request with another body is a conflict at once, not a wait', async () => {
    const first = send();
    await firstStarted;
    const other = await send({ title: 'B' });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe(
      'common.idempotency_conflict',
    );
    answerFirst();
    await first;
  });

  it('runs the waiting request itself when the first ends without a stored answer', async () => {
    const first = send();
    await firstStarted;
    const second = send();
    await vi.advanceTimersByTimeAsync(1_000);
    answerFirst(503); // 5xx answers are never stored (§13): the key is free again
    expect((await first).status).toBe(500);
    await vi.advanceTimersByTimeAsync(100);
    const answer = await second;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
    expect(await answer.json()).toEqual({ job_id: 'job-2' });
  });
});
