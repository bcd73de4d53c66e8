// registerMany under injected faults, against a real sandbox process: 100 registrations on
// mainnet, 8 at a time, with 10 % of API calls answering 503 (half of them after the effect: lost
// answers, confirms included), 10 % of uploads cut short, and 429s with Retry-After. Every item
// must be registered exactly once and debited exactly its quote.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchItemEvent, registerMany } from '../../src';
import {
  allWorks,
  CREATORS,
  createOrganization,
  hookedFetch,
  makeClient,
  writeAudioFiles,
} from './support/fixtures';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await startSandboxProcess({ seed: 2026 });
}, 30_000);
afterAll(async () => {
  await sandbox?.stop();
});

const ITEMS = 100;

describe('registerMany under faults', () => {
  it('registers 100 works once each, and debits exactly the sum of their quotes', async () => {
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 20_000 } });
    const hooks = hookedFetch();
    const client = makeClient(sandbox.url, org, {
      network: 'mainnet',
      maxRetries: 4,
      fetch: hooks.fetch,
    });
    const files = await writeAudioFiles(ITEMS, { size: 1_500, firstSeed: 1_000 });
    const journal = join(await mkdtemp(join(tmpdir(), 'ats-journal-')), 'batch.jsonl');
    const before = (await sandbox.admin.credits(org.id)).mainnet;
    await sandbox.admin.setFaults({
      seed: 2026,
      api_5xx_rate: 0.1,
      api_5xx_phase: 'mixed',
      api_429_rate: 0.05,
      retry_after_seconds: 1,
      upload_failure_rate: 0.1,
    });
    const events: BatchItemEvent[] = [];

    const started = Date.now();
    const report = await registerMany(
      client,
      files.map((file, index) => ({ title: `Batch song ${index}`, creators: CREATORS, file })),
      { concurrency: 8, journal, onItem: (event) => events.push(event) },
    );
    const elapsedMs = Date.now() - started;
    await sandbox.admin.setFaults({});

    const failures = report.results.filter((r) => r.status !== 'registered');
    expect(failures.map((r) => `${r.index}: ${r.error?.message}`)).toEqual([]);
    expect(report.summary).toMatchObject({
      total: ITEMS,
      registered: ITEMS,
      failed: 0,
      skipped: 0,
    });

    const works = await allWorks(client, 'mainnet');
    expect(works).toHaveLength(ITEMS);
    expect(new Set(works.map((w) => w.latest_commitment)).size).toBe(ITEMS);
    expect(new Set(works.map((w) => w.id))).toEqual(
      new Set(report.results.map((r) => r.result?.work_id)),
    );

    const after = (await sandbox.admin.credits(org.id)).mainnet;
    const quoted = report.results.reduce((sum, r) => sum + (r.debitCredits ?? Number.NaN), 0);
    expect(report.summary.debitedCredits).toBe(quoted);
    expect(before - after).toBe(quoted);
    expect(quoted).toBeGreaterThan(0);

    // The faults did happen (confirm answers lost included), yet one `registered` per item.
    const answered = (status: number, path?: RegExp) =>
      hooks.seen.filter((r) => r.status === status && (!path || path.test(r.path))).length;
    const lostConfirms = answered(503, /\/confirm$/);
    expect(answered(503)).toBeGreaterThan(5);
    expect(answered(429)).toBeGreaterThan(3);
    expect(lostConfirms).toBeGreaterThan(0);
    const lines = (await readFile(journal, 'utf8')).split('\n');
    expect(lines.filter((l) => l.includes('"event":"registered"'))).toHaveLength(ITEMS);
    expect(events.filter((e) => e.status === 'registered')).toHaveLength(ITEMS);
    console.info(
      `registerMany: ${ITEMS} mainnet registrations under faults in ${elapsedMs} ms ` +
        `(${hooks.seen.length} API calls, ${answered(503)} × 503 of which ${lostConfirms} on confirm, ` +
        `${answered(429)} × 429; ${report.summary.debitedCredits} credits debited)`,
    );
  }, 90_000);
});
