// The `ats` command line, run as users run it: the built dist/cli.js in a child process (no
// terminal), against a real sandbox with fast virtual time (a testnet registration takes tens of
// milliseconds).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSandbox, startSandbox } from '@ats-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonDocument, runCli, startCli } from './run-cli';

let sandbox: RunningSandbox;
let folder: string;
let env: Record<string, string>;
let song: string;
let organizationId: string;

const ADA = 'Ada Lovelace <ada@example.com> author,composer ipi=00052210040';
const BOB = 'Bob Dylan <bob@example.com> arranger';

beforeAll(async () => {
  // 100× virtual time, 1 s blocks: init → finality in well under a second of wall time.
  sandbox = await startSandbox({ memory: true, port: 0, timeScale: 100, blockTimeMs: 1000 });
  const demo = await sandbox.admin.seedDemo();
  organizationId = demo.organization.id;
  env = { ATS_API_KEY: demo.apiKey, ATS_BASE_URL: sandbox.url };
  folder = await mkdtemp(join(tmpdir(), 'ats-cli-test-'));
  song = join(folder, 'song.wav');
  await writeFile(
    song,
    new Uint8Array(4096).map((_, i) => (i * 7) % 256),
  );
});

afterAll(async () => {
  await sandbox?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('ats --help', () => {
  it('lists the commands, the environment and the exit codes, and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const text of ['register', 'update', 'batch', 'status', 'verify', 'ATS_API_KEY']) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*130 {2}interrupted with Ctrl\+C/);
  });

  it('exits 2 without a command', async () => {
    expect((await runCli([])).code).toBe(2);
  });
});

describe('usage errors (exit 2, nothing sent)', () => {
  it('names a missing --title', async () => {
    const run = await runCli(['register', song, '--creator', ADA, '--yes'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: --title is required/);
  });

  it('names the creator and the field of a bad creator, with every problem at once', async () => {
    const run = await runCli(
      [
        'register',
        song,
        '--title',
        'x'.repeat(300),
        '--creator',
        ADA,
        '--creator',
        'Bob <bob@nowhere> author',
        '--yes',
      ],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--title: /);
    expect(run.stderr).toMatch(/--creator #2 \(email\): must look like name@example\.com/);
  });

  it('reports commander errors (unknown flag, bad number) as usage errors', async () => {
    expect((await runCli(['register', song, '--bogus'], env)).code).toBe(2);
    const run = await runCli(['batch', 'x.csv', '--concurrency', 'lots', '--json'], env);
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ ok: false, exit_code: 2, error: { code: 'usage' } });
  });

  it('refuses to register without --yes when there is no terminal to ask on', async () => {
    const run = await runCli(
      ['register', song, '--title', 'Song', '--creator', ADA, '--json'],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.json().error.message).toMatch(/pass --yes/);
    expect((await sandbox.admin.credits(organizationId)).testnet).toBe(1000);
  });

  it('asks for ATS_API_KEY, and never prints a key it refuses', async () => {
    const missing = await runCli(['register', song, '--title', 'Song', '--creator', ADA, '--yes'], {
      ATS_BASE_URL: sandbox.url,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ATS_API_KEY is not set/);

    const secret = `afo_sk_live_${'SECRET'.repeat(8)}`;
    const wrong = await runCli(['register', song, '--title', 'Song', '--creator', ADA, '--yes'], {
      ATS_API_KEY: secret,
      ATS_BASE_URL: sandbox.url,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/ATS_API_KEY: /);
    expect(wrong.stderr + wrong.stdout).not.toContain('SECRET');
  });

  it('names a missing file', async () => {
    const run = await runCli(
      ['register', join(folder, 'nope.wav'), '--title', 'S', '--creator', ADA, '--yes'],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/<file>: no such file/);
  });
});

describe('ats register, status, verify, update', () => {
  let registered: JsonDocument;

  beforeAll(async () => {
    const run = await runCli(
      ['register', song, '--title', 'Song', '--creator', ADA, '--creator', BOB, '--yes', '--json'],
      env,
    );
    expect(run.stderr).toBe(''); // no terminal: no progress on stderr with --json
    expect(run.code).toBe(0);
    registered = run.json();
  });

  it('prints one JSON document with the on-chain result, the quote and the commitment check', () => {
    expect(registered).toMatchObject({
      ok: true,
      command: 'register',
      result: {
        ats_id: expect.any(Number),
        version: 1,
        network: 'testnet',
        tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        block_number: expect.any(Number),
        explorer_url: expect.stringContaining('network=testnet'),
        access_code: expect.stringMatching(/^atc_[0-9a-f]{64}$/),
        transaction_id: expect.any(String),
      },
      quote: { total_price_credits: 0, debit_credits: 0 },
      commitment_check: 'match',
    });
  });

  it('verifies the commitment offline: exit 0 on a match, 3 when anything differs', async () => {
    const commitment = registered.quote.commitment;
    const base = ['verify', song, '--creator', ADA, '--creator', BOB, '--commitment', commitment];
    const match = await runCli([...base, '--title', 'Song', '--json']);
    expect(match.code).toBe(0);
    expect(match.json()).toMatchObject({ ok: true, match: true, commitment });

    const otherTitle = await runCli([...base, '--title', 'Song (remix)']);
    expect(otherTitle.code).toBe(3);
    expect(otherTitle.stdout).toMatch(/does not match/);

    const swapped = await runCli([
      'verify',
      song,
      '--title',
      'Song',
      '--creator',
      BOB,
      '--creator',
      ADA,
      '--commitment',
      commitment,
    ]);
    expect(swapped.code).toBe(3);
  });

  it('shows a transaction by id, without an API key', async () => {
    const run = await runCli(['status', registered.result.transaction_id, '--json'], {
      ATS_BASE_URL: sandbox.url,
    });
    expect(run.code).toBe(0);
    expect(run.json().status).toMatchObject({
      id: registered.result.transaction_id,
      current_step: 'completed',
      is_complete: true,
      result: { success: true, ats_id: registered.result.ats_id },
    });
  });

  it('answers exit 1 for an unknown transaction and exit 2 for a malformed id', async () => {
    const unknown = await runCli(['status', '00000000-0000-4000-8000-000000000000', '--json'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.json().error.code).toBe('transaction.not_found');
    expect((await runCli(['status', 'not-a-uuid'], env)).code).toBe(2);
  });

  it('adds a version with new creators, keeping the file', async () => {
    const run = await runCli(
      [
        'update',
        String(registered.result.ats_id),
        '--creator',
        BOB,
        '--network',
        'testnet',
        '--yes',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.json().result).toMatchObject({ ats_id: registered.result.ats_id, version: 2 });
  });

  it('adds a version with a new file, checking the whole commitment when given the title', async () => {
    const v3 = join(folder, 'song-v3.wav');
    await writeFile(v3, new Uint8Array(2048).fill(3));
    const atsId = String(registered.result.ats_id);
    const run = await runCli(
      ['update', atsId, v3, '--title', 'Song', '--creator', ADA, '--yes', '--json'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ result: { version: 3 }, commitment_check: 'match' });
  });

  it('prints the outcome for people, progress on stderr', async () => {
    const run = await runCli(
      ['register', song, '--title', 'Song 2', '--creator', ADA, '--yes'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Registered on testnet: ats_id \d+, version 1$/m);
    expect(run.stdout).toMatch(/^ {2}explorer {5}https:\/\//m);
    expect(run.stdout).toMatch(/^ {2}commitment {3}0x[0-9a-f]{64}$/m);
    expect(run.stderr).toMatch(/Quote \(testnet\):/);
    expect(run.stderr).toMatch(/\[100%\] completed/);
  });
});

describe('quotes over --max-price', () => {
  it('declines them: exit 4, nothing confirmed or debited', async () => {
    const before = await sandbox.admin.credits(organizationId);
    const run = await runCli(
      [
        'register',
        song,
        '--title',
        'Dear',
        '--creator',
        ADA,
        '--network',
        'mainnet',
        '--max-price',
        '10',
        '--yes',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(4);
    expect(run.json()).toMatchObject({
      ok: false,
      exit_code: 4,
      error: {
        code: 'quote_declined',
        details: { reason: 'over_max_price', max_price_credits: 10 },
      },
      transaction_id: null,
    });
    expect(await sandbox.admin.credits(organizationId)).toEqual(before);
  });
});

describe('ats batch', () => {
  it('registers every row, then skips them all when run again with the same journal', async () => {
    const csv = join(folder, 'works.csv');
    await writeFile(
      csv,
      [
        'file,title,creators,network',
        `song.wav,"Batch, one","${ADA}; ${BOB}",testnet`,
        'song.wav,Batch two,Ada Lovelace <ada@example.com> author,',
        'song.wav,Batch three,Bob Dylan <bob@example.com> composer,testnet',
      ].join('\n'),
    );
    const journal = join(folder, 'works.journal');
    const args = ['batch', csv, '--concurrency', '2', '--journal', journal, '--yes', '--json'];
    const first = await runCli(args, env);
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({
      ok: true,
      summary: { total: 3, registered: 3, failed: 0, skipped: 0 },
    });
    const again = await runCli(args, env);
    expect(again.code).toBe(0);
    expect(again.json().summary).toMatchObject({ total: 3, registered: 0, skipped: 3 });
  });

  it('refuses a manifest with a bad row before sending anything', async () => {
    const csv = join(folder, 'bad.csv');
    await writeFile(csv, 'file,title,creators\nmissing.wav,T,Ada <ada@example.com> author\n');
    const run = await runCli(['batch', csv, '--yes'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.csv:2: no such file: missing\.wav/);
  });
});

describe('Ctrl+C', () => {
  it('stops a registration cleanly (exit 130) and says how to follow the transaction', async () => {
    // A paused clock keeps the transaction at its first step, so Ctrl+C lands while tracking.
    await sandbox.admin.setClock({ paused: true });
    try {
      let interrupted = false;
      const { done } = startCli(
        ['register', song, '--title', 'Interrupted', '--creator', ADA, '--yes'],
        env,
        (stderr, child) => {
          if (!interrupted && /Transaction [0-9a-f-]{36}:/.test(stderr)) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
      );
      const run = await done;
      expect(interrupted).toBe(true);
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/error: interrupted with Ctrl\+C/);
      expect(run.stderr).toMatch(/ats status [0-9a-f-]{36} --watch/);
    } finally {
      await sandbox.admin.setClock({ paused: false });
    }
  });
});
