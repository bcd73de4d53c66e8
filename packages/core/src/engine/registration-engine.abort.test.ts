import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtsAbortError } from '../errors';
import { AtsRegistrationAbortedError } from './errors';
import {
  type Harness,
  registerInput,
  rejectionOf,
  startHarness,
  until,
} from './test-fixtures/engine-harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const CONFIRM = /\/confirm$/;

/** A few real turns of the event loop, for anything a stale run might still try to send. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('abort in every state', () => {
  it.each([
    ['initializing', 'POST', /\/works\/init$/],
    ['uploading', 'PUT', /^\/_storage\//],
    ['preparing', 'POST', /\/prepare$/],
  ] as const)(
    'in %s: ends in aborted, and nothing is confirmed afterwards',
    async (state, method, path) => {
      const hold = h.server.hold(method, path);
      const running = h.engine.run(registerInput());
      await hold.arrived;
      expect(h.engine.getSnapshot().status.kind).toBe(state);

      h.engine.abort();
      const snapshot = h.engine.getSnapshot();
      expect(snapshot.status).toEqual({
        kind: 'aborted',
        reason: 'aborted',
        at: state,
        confirmMayHaveSucceeded: false,
      });
      const error = await rejectionOf(running);
      expect(AtsAbortError.is(error)).toBe(true);

      hold.release();
      await settle();
      expect(h.server.seen('POST', CONFIRM)).toHaveLength(0);
      expect(h.engine.getSnapshot()).toBe(snapshot);
      expect(h.events.aborted).toHaveLength(1);
    },
  );

  it('while awaiting approval: the pending hook is let go, nothing is confirmed', async () => {
    let signal: AbortSignal | undefined;
    const engine = h.makeEngine({
      approve: (_quote, _explanation, context) => {
        signal = context.signal;
        return new Promise<boolean>(() => {});
      },
    });
    const running = engine.run(registerInput());
    await until(() => engine.getSnapshot().status.kind === 'awaiting-approval');
    engine.abort();
    expect(AtsAbortError.is(await rejectionOf(running))).toBe(true);
    expect(signal?.aborted).toBe(true);
    expect(engine.getSnapshot().status).toMatchObject({ kind: 'aborted', at: 'awaiting-approval' });
    await settle();
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(0);
  });

  it('while confirming: says the confirm may have happened, with the job id', async () => {
    const hold = h.server.hold('POST', CONFIRM);
    const running = h.engine.run(registerInput());
    await hold.arrived;
    h.engine.abort();

    const { status, confirmMayHaveSucceeded, jobId } = h.engine.getSnapshot();
    expect(status).toEqual({
      kind: 'aborted',
      reason: 'aborted',
      at: 'confirming',
      confirmMayHaveSucceeded: true,
    });
    expect(confirmMayHaveSucceeded).toBe(true);
    expect(h.events.aborted[0]).toMatchObject({ confirmMayHaveSucceeded: true, jobId });
    const error = await rejectionOf(running);
    expect(AtsAbortError.is(error)).toBe(true);
    expect(error).toMatchObject({ jobId, transactionId: null, confirmMayHaveSucceeded: true });
    expect(String(error)).toContain(`job ${jobId}`);
    expect(String(error)).toContain('may have been submitted');
    hold.release();
    await settle();
    // The one confirm the server saw is the one that was in flight: never a second.
    expect(h.server.seen('POST', CONFIRM)).toHaveLength(1);
  });

  it('while tracking: says the registration goes on, with the transaction id to follow', async () => {
    h.server.settings.wsMode = 'silent';
    const running = h.engine.run(registerInput());
    await until(() => h.server.sockets.opened === 1);
    h.engine.abort();
    const { transactionId, jobId } = h.engine.getSnapshot();
    const error = await rejectionOf(running);
    expect(AtsRegistrationAbortedError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'aborted',
      at: 'tracking',
      jobId,
      transactionId,
      confirmMayHaveSucceeded: false,
    });
    expect(String(error)).toContain('goes on on the server');
    expect(String(error)).toContain(`track({ transactionId: '${transactionId}' })`);
    expect(h.events.aborted[0]).toMatchObject({ at: 'tracking', transactionId });
  });

  it('while tracking: the socket is closed and nothing polls afterwards', async () => {
    h.server.settings.wsMode = 'silent';
    const running = h.engine.run(registerInput());
    await until(() => h.server.sockets.opened === 1);
    expect(h.engine.getSnapshot().status.kind).toBe('tracking');
    h.engine.abort();
    expect(h.engine.getSnapshot().status).toMatchObject({
      kind: 'aborted',
      at: 'tracking',
      confirmMayHaveSucceeded: false,
    });
    expect(h.engine.getSnapshot().transactionId).toMatch(/^[0-9a-f-]{36}$/);
    await rejectionOf(running);
    await until(() => h.server.sockets.closedByClient === 1);
    await settle();
    expect(h.server.seen('GET', /^\/v1\/transactions\//)).toHaveLength(0);
  });

  it('through the signal option', async () => {
    const controller = new AbortController();
    const engine = h.makeEngine({ signal: controller.signal });
    const hold = h.server.hold('POST', /\/prepare$/);
    const running = engine.run(registerInput());
    await hold.arrived;
    controller.abort(new Error('page closed'));
    const error = await rejectionOf(running);
    expect(AtsAbortError.is(error)).toBe(true);
    expect((error as Error).cause).toEqual(new Error('page closed'));
    hold.release();
    // A signal already aborted aborts any later run at once.
    await expect(engine.run(registerInput())).rejects.toMatchObject({ code: 'aborted' });
    expect(h.server.seen('POST', /\/works\/init$/)).toHaveLength(1);
  });

  it('is a no-op when idle or finished', async () => {
    h.engine.abort();
    expect(h.engine.getSnapshot().status).toEqual({ kind: 'idle' });
    await h.engine.run(registerInput());
    const done = h.engine.getSnapshot();
    h.engine.abort();
    expect(h.engine.getSnapshot()).toBe(done);
  });

  it('reset() during a run aborts it, then returns to idle', async () => {
    const hold = h.server.hold('PUT', /^\/_storage\//);
    const running = h.engine.run(registerInput());
    await hold.arrived;
    h.engine.reset();
    expect(h.engine.getSnapshot().status).toEqual({ kind: 'idle' });
    expect(h.kinds().slice(-2)).toEqual(['aborted', 'idle']);
    await rejectionOf(running);
    hold.release();
    await settle();
    expect(h.server.seen('POST', /\/prepare$/)).toHaveLength(0);
  });
});
