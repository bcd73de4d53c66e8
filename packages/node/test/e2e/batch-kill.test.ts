// A batch killed mid-way (SIGKILL, no chance to clean up) and started again with the same journal:
// every item ends registered exactly once, and the organization is debited exactly once per item.
// registerMany runs in a child process (support/batch-child.ts, bundled from source here).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allWorks,
  createOrganization,
  makeClient,
  type TestOrganization,
  writeAudioFiles,
} from './support/fixtures';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE_ROOT = join(HERE, '../..');
// Inside the package, so the bundle's external imports (@ats-kit/core, ws) resolve as the SDK's.
const BUILD_DIR = join(PACKAGE_ROOT, 'node_modules/.cache/ats-e2e', `batch-child-${process.pid}`);

let sandbox: SandboxProcess;
let childScript: string;
beforeAll(async () => {
  sandbox = await startSandboxProcess({ seed: 11 });
  await build({
    entry: { 'batch-child': join(HERE, 'support/batch-child.ts') },
    outDir: BUILD_DIR,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    config: false,
    silent: true,
    dts: false,
    sourcemap: false,
  });
  childScript = join(BUILD_DIR, 'batch-child.js');
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  await rm(BUILD_DIR, { recursive: true, force: true });
});

interface ChildReport {
  summary: { total: number; registered: number; failed: number; skipped: number };
  results: {
    key: string;
    status: string;
    debitCredits: number | null;
    workId: string | null;
    error: string | null;
  }[];
}

/** Runs the batch child; `onLine` may kill it. Resolves with its report, or null when killed. */
function runBatchChild(
  org: TestOrganization,
  files: string[],
  journal: string,
  onLine: (line: string, child: ChildProcess) => void = () => {},
): Promise<{ report: ChildReport | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [childScript], {
    env: {
      PATH: process.env.PATH ?? '',
      ATS_API_KEY: org.apiKey,
      ATS_BASE_URL: sandbox.url,
      BATCH_FILES: JSON.stringify(files),
      BATCH_JOURNAL: journal,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let report: ChildReport | null = null;
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('done ')) report = JSON.parse(line.slice(5)) as ChildReport;
    onLine(line, child);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (_code, signal) => resolve({ report, signal, stderr }));
  });
}

describe('a killed batch', () => {
  it('started again with its journal, registers every item once and debits each once', async () => {
    const ITEMS = 16;
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 5_000 } });
    const client = makeClient(sandbox.url, org, { network: 'mainnet' });
    const files = await writeAudioFiles(ITEMS, { size: 3_000, firstSeed: 500 });
    const dir = await mkdtemp(join(tmpdir(), 'ats-kill-'));
    const journal = join(dir, 'batch.jsonl');
    const before = (await sandbox.admin.credits(org.id)).mainnet;

    // Killed right as a confirm leaves, once some items are done: that confirm may or may not
    // reach the server, other items are mid-upload, mid-prepare or being tracked. Twice, the
    // second time while it resumes what the first run left.
    const killAt = async (finished: number) => {
      let count = 0;
      let killed = false;
      const run = await runBatchChild(org, files, journal, (line, child) => {
        if (line.startsWith('item registered') || line.startsWith('item skipped')) count += 1;
        if (!killed && count >= finished && line === 'confirm-sent') {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      expect(run.signal).toBe('SIGKILL');
      expect(run.report).toBeNull();
    };
    await killAt(4);
    const journalled = (await readFile(journal, 'utf8')).split('\n').filter(Boolean);
    expect(journalled.some((line) => line.includes('"event":"confirm_started"'))).toBe(true);
    await killAt(9);

    const last = await runBatchChild(org, files, journal);
    expect(last.stderr).toBe('');
    const report = last.report as ChildReport;
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(report.summary.total).toBe(ITEMS);
    expect(report.summary.skipped).toBeGreaterThanOrEqual(9);
    expect(report.summary.registered + report.summary.skipped).toBe(ITEMS);

    const works = await allWorks(client, 'mainnet');
    expect(works).toHaveLength(ITEMS);
    expect(new Set(works.map((w) => w.id))).toEqual(new Set(report.results.map((r) => r.workId)));
    const debits = report.results.map((r) => r.debitCredits ?? Number.NaN);
    const after = (await sandbox.admin.credits(org.id)).mainnet;
    expect(before - after).toBe(debits.reduce((sum, d) => sum + d, 0));
    // Each item paid its one quote (same size class, same price): no item paid twice.
    expect(new Set(debits).size).toBe(1);
    expect(before - after).toBe(ITEMS * (debits[0] as number));
  }, 60_000);
});
