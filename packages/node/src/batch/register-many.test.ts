// registerMany's decisions, with a scripted engine in place of the real one: which engine call
// each journaled state leads to, what is journaled before each step, when an item is tried again.
// The real flow, faults and a killed process are covered in test/e2e/batch-*.test.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AtsApiError,
  AtsConfirmOutcomeUnknownError,
  AtsValidationError,
  type PreparedQuote,
  type RegistrationEngine,
  type RegistrationResult,
} from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import type { CreateRegistrationOptions } from '../client/run-registration';
import { type BatchItem, runRegisterMany } from './register-many';
import { RegistrationJournal } from './registration-journal';

const CREATORS = [{ full_name: 'Ada', email: 'ada@example.com', roles: ['author'] }];
const QUOTE = {
  job_id: 'job-1',
  work_id: 'work-1',
  commitment: `0x${'1'.repeat(64)}`,
  network_fee_credits: 12,
  total_deposit_credits: 50,
  service_fee_credits: 5,
  storage_fee_credits: 0,
  total_price_credits: 67,
  is_valid: true,
  expires_at: '2030-01-01T00:00:00.000Z',
} as unknown as PreparedQuote;

type Call = { method: 'register' | 'resume' | 'track'; input: Record<string, unknown> };
type Script = (call: Call, engine: ScriptedEngine) => Promise<RegistrationResult>;

/** Stands in for the core engine: records calls, plays a script, emits what the script says. */
class ScriptedEngine {
  readonly calls: Call[] = [];
  #jobId: string | null = null;
  readonly #subscribers = new Set<() => void>();
  readonly #listeners = new Map<string, ((payload: unknown) => void)[]>();

  constructor(
    readonly options: CreateRegistrationOptions,
    readonly script: Script,
  ) {}

  register = (input: Record<string, unknown>) => this.#play({ method: 'register', input });
  resume = (input: Record<string, unknown>) => this.#play({ method: 'resume', input });
  track = (input: Record<string, unknown>) => this.#play({ method: 'track', input });
  getSnapshot = () => ({ jobId: this.#jobId });
  subscribe = (listener: () => void) => {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  };
  on(event: string, listener: (payload: unknown) => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return () => {};
  }
  dispose() {}

  /** What the real engine does around a confirm: beforeConfirm, then `confirmed`. */
  async confirm(jobId: string, transactionId: string): Promise<void> {
    this.#jobId = jobId;
    for (const listener of this.#subscribers) listener();
    await this.options.beforeConfirm?.({
      jobId,
      network: 'mainnet',
      operation: 'register',
      quote: { ...QUOTE, job_id: jobId } as PreparedQuote,
    });
    for (const listener of this.#listeners.get('confirmed') ?? [])
      listener({ jobId, transactionId });
  }

  #play(call: Call): Promise<RegistrationResult> {
    this.calls.push(call);
    return this.script(call, this);
  }
}

function result(id: string): RegistrationResult {
  return {
    transaction_id: `tx-${id}`,
    job_id: `job-${id}`,
    ats_id: 1,
    work_id: `work-${id}`,
  } as never;
}

function items(...keys: string[]): BatchItem[] {
  return keys.map((key) => ({
    key,
    title: `Song ${key}`,
    creators: CREATORS,
    file: new Uint8Array([1]),
    filename: `${key}.wav`,
  }));
}

async function run(script: Script, batchItems: BatchItem[], journal?: string) {
  const engines: ScriptedEngine[] = [];
  const report = await runRegisterMany(
    {
      createEngine: (options) => {
        const engine = new ScriptedEngine(options, script);
        engines.push(engine);
        return engine as unknown as RegistrationEngine;
      },
    },
    'mainnet',
    batchItems,
    { journal, concurrency: 2 },
  );
  return { report, calls: engines.flatMap((engine) => engine.calls) };
}

async function tempJournal(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'ats-batch-test-')), 'batch.jsonl');
}

function apiError(status: number, code: string): AtsApiError {
  return AtsApiError.from({ status, body: { error: { code, message: code } } });
}

describe('registerMany', () => {
  it('a new item: its idempotency key is journaled before init, its confirm before it is sent', async () => {
    const path = await tempJournal();
    const { report, calls } = await run(
      async (_call, engine) => {
        await engine.confirm('job-a', 'tx-a');
        return result('a');
      },
      items('a'),
      path,
    );

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'register',
      input: { network: 'mainnet', title: 'Song a' },
    });
    const journal = await RegistrationJournal.open(path);
    expect(calls[0]?.input.idempotencyKey).toBe(journal.state('a').idempotencyKey);
    expect(journal.state('a')).toMatchObject({
      jobId: 'job-a',
      confirmStarted: true,
      workId: 'work-1',
      transactionId: 'tx-a',
      debitCredits: 67,
      result: result('a'),
    });
    await journal.close();
    expect(report.results[0]).toMatchObject({ key: 'a', status: 'registered', debitCredits: 67 });
    expect(report.summary).toMatchObject({ total: 1, registered: 1, debitedCredits: 67 });
  });

  it('resumes each item from the step its journal reached', async () => {
    const path = await tempJournal();
    const journal = await RegistrationJournal.open(path);
    await journal.record('done', {
      event: 'registered',
      result: result('done'),
      debit_credits: 67,
    });
    await journal.record('tx', { event: 'transaction', job_id: 'job-tx', transaction_id: 'tx-tx' });
    await journal.record('confirm', {
      event: 'confirm_started',
      job_id: 'job-c',
      network: 'mainnet',
      work_id: 'work-c',
      debit_credits: 67,
    });
    await journal.record('job', { event: 'job', job_id: 'job-j', network: 'mainnet' });
    await journal.record('key', { event: 'idempotency_key', idempotency_key: 'key-k' });
    await journal.close();

    const { report, calls } = await run(
      async (call) => ({ ...result(call.method), job_id: null }) as RegistrationResult,
      items('done', 'tx', 'confirm', 'job', 'key'),
      path,
    );

    expect(report.results.map((r) => r.status)).toEqual([
      'skipped',
      'registered',
      'registered',
      'registered',
      'registered',
    ]);
    expect(report.results[0]).toMatchObject({ result: result('done'), debitCredits: 67 });
    const byMethod = calls.map((c) => [c.method, c.input]);
    expect(byMethod).toContainEqual(['track', { transactionId: 'tx-tx', network: 'mainnet' }]);
    expect(byMethod).toContainEqual([
      'resume',
      expect.objectContaining({ jobId: 'job-c', stage: 'confirm', workId: 'work-c' }),
    ]);
    expect(byMethod).toContainEqual([
      'resume',
      expect.objectContaining({ jobId: 'job-j', stage: 'prepare', confirmNeverSent: true }),
    ]);
    expect(byMethod).toContainEqual([
      'register',
      expect.objectContaining({ idempotencyKey: 'key-k' }),
    ]);
    expect(calls).toHaveLength(4);
    // A tracked transaction's result keeps the job it came from.
    expect(report.results[1]?.result?.job_id).toBe('job-tx');
  });

  it('a journaled job not uploaded yet replays the same init; an expired one starts a new job', async () => {
    const path = await tempJournal();
    const journal = await RegistrationJournal.open(path);
    for (const key of ['empty', 'expired']) {
      await journal.record(key, { event: 'idempotency_key', idempotency_key: `key-${key}` });
      await journal.record(key, { event: 'job', job_id: `job-${key}`, network: 'mainnet' });
    }
    await journal.close();

    const { calls } = await run(
      async (call) => {
        if (call.method !== 'resume') return result(String(call.input.idempotencyKey));
        throw call.input.jobId === 'job-empty'
          ? apiError(422, 'registration.audio_empty')
          : apiError(404, 'registration.upload_session_not_found');
      },
      items('empty', 'expired'),
      path,
    );

    const registers = calls
      .filter((c) => c.method === 'register')
      .map((c) => c.input.idempotencyKey);
    expect(registers).toContain('key-empty');
    expect(registers).not.toContain('key-expired');
    expect(registers).toHaveLength(2);
  });

  it('tries an item again from where it stopped when the failure may pass, and not otherwise', async () => {
    let attempts = 0;
    const { report, calls } = await run(
      async (call, engine) => {
        if (call.input.title === 'Song bad') {
          throw new AtsValidationError('Invalid', {
            issues: [{ path: 'title', code: 'x', message: 'bad' }],
          });
        }
        attempts += 1;
        if (attempts === 1) {
          await engine.confirm('job-1', 'tx-ignored');
          throw new AtsConfirmOutcomeUnknownError({ jobId: 'job-1', reason: 'lost' });
        }
        return result('ok');
      },
      items('ok', 'bad'),
    );

    expect(report.results.map((r) => r.status)).toEqual(['registered', 'failed']);
    expect(AtsValidationError.is(report.results[1]?.error)).toBe(true);
    const ok = calls.filter((c) => c.input.title !== 'Song bad');
    // The confirm was journaled: the second attempt follows the transaction, never a new init.
    expect(ok.map((c) => c.method)).toEqual(['register', 'track']);
    expect(calls.filter((c) => c.input.title === 'Song bad')).toHaveLength(1);
  });

  it('refuses two items with the same key (one work registered twice) and bad options, before anything runs', async () => {
    const same = { title: 'Same', creators: CREATORS, file: new Uint8Array([1, 2, 3]) };
    const error = await runRegisterMany(
      {
        createEngine: () => {
          throw new Error('no');
        },
      },
      'testnet',
      [same, { ...same }],
    ).catch((e: unknown) => e);
    expect(AtsValidationError.is(error)).toBe(true);
    expect((error as AtsValidationError).issues).toEqual([
      expect.objectContaining({
        path: 'items[1].key',
        message: expect.stringContaining('items[0]'),
      }),
    ]);
    await expect(
      runRegisterMany(
        {
          createEngine: () => {
            throw new Error('no');
          },
        },
        'testnet',
        items('a'),
        { concurrency: 0 },
      ),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'concurrency' })] });
  });

  it('keeps at most `concurrency` items in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const { report } = await run(
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return result('x');
      },
      items('a', 'b', 'c', 'd', 'e'),
    );
    expect(most).toBe(2);
    expect(report.summary.registered).toBe(5);
  });
});
