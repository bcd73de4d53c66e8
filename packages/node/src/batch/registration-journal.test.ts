import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistrationResult } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { RegistrationJournal } from './registration-journal';

async function journalPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'ats-journal-test-')), 'batch.jsonl');
}

const RESULT = { transaction_id: 'tx-1', ats_id: 3 } as unknown as RegistrationResult;

describe('RegistrationJournal', () => {
  it('records each step as one JSON line and reads the states back on the next open', async () => {
    const path = await journalPath();
    const journal = await RegistrationJournal.open(path);
    await journal.record('a', { event: 'idempotency_key', idempotency_key: 'key-a' });
    await journal.record('a', { event: 'job', job_id: 'job-1', network: 'mainnet' });
    await journal.record('a', {
      event: 'confirm_started',
      job_id: 'job-1',
      network: 'mainnet',
      work_id: 'work-1',
      debit_credits: 67,
    });
    await journal.record('b', { event: 'idempotency_key', idempotency_key: 'key-b' });
    await journal.close();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      v: 1,
      key: 'a',
      event: 'idempotency_key',
      idempotency_key: 'key-a',
      at: expect.any(String),
    });

    const reopened = await RegistrationJournal.open(path);
    expect(reopened.state('a')).toEqual({
      idempotencyKey: 'key-a',
      jobId: 'job-1',
      network: 'mainnet',
      confirmStarted: true,
      workId: 'work-1',
      debitCredits: 67,
      transactionId: null,
      result: null,
    });
    expect(reopened.state('b')).toMatchObject({ idempotencyKey: 'key-b', jobId: null });
    expect(reopened.state('unknown')).toMatchObject({ idempotencyKey: null, result: null });
    await reopened.close();
  });

  it('a new job forgets the previous job’s confirm (that job was never confirmed)', async () => {
    const journal = await RegistrationJournal.open(undefined);
    await journal.record('a', { event: 'idempotency_key', idempotency_key: 'k' });
    await journal.record('a', {
      event: 'confirm_started',
      job_id: 'job-1',
      network: 'testnet',
      work_id: null,
      debit_credits: 0,
    });
    await journal.record('a', { event: 'job', job_id: 'job-2', network: 'testnet' });
    expect(journal.state('a')).toMatchObject({
      idempotencyKey: 'k',
      jobId: 'job-2',
      confirmStarted: false,
      debitCredits: null,
    });
  });

  it('keeps the result and its debit; reset forgets everything', async () => {
    const journal = await RegistrationJournal.open(undefined);
    await journal.record('a', { event: 'transaction', job_id: 'job-1', transaction_id: 'tx-1' });
    await journal.record('a', { event: 'registered', result: RESULT, debit_credits: 45 });
    expect(journal.state('a')).toMatchObject({
      transactionId: 'tx-1',
      result: RESULT,
      debitCredits: 45,
    });
    await journal.record('a', { event: 'reset', reason: 'transaction_failed' });
    expect(journal.state('a')).toMatchObject({ transactionId: null, result: null, jobId: null });
  });

  it('cuts off a torn last line (killed while writing) and appends after it', async () => {
    const path = await journalPath();
    const journal = await RegistrationJournal.open(path);
    await journal.record('a', { event: 'idempotency_key', idempotency_key: 'k' });
    await journal.close();
    await appendFile(path, '{"v":1,"key":"a","event":"job","job_');

    const reopened = await RegistrationJournal.open(path);
    expect(reopened.state('a')).toMatchObject({ idempotencyKey: 'k', jobId: null });
    await reopened.record('a', { event: 'job', job_id: 'job-9', network: 'testnet' });
    await reopened.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.filter(Boolean).map((line) => JSON.parse(line).event)).toEqual([
      'idempotency_key',
      'job',
    ]);
  });

  it('refuses an unreadable line before the last one, naming it', async () => {
    const path = await journalPath();
    await writeFile(path, 'garbage\n{"v":1,"key":"a","event":"reset","reason":"x"}\n');
    await expect(RegistrationJournal.open(path)).rejects.toMatchObject({
      code: 'journal_corrupt',
      message: expect.stringContaining('line 1'),
    });
  });
});
