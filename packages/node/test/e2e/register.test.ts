// works.register / works.updateVersion / access(code).updateVersion against a real sandbox
// process: the whole flow, what the caller sees along the way, and the reads afterwards.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AtsValidationError,
  type RegistrationSnapshot,
  type RegistrationWarning,
  type TrackingProgress,
} from '../../src';
import {
  allWorks,
  audioBytes,
  CREATORS,
  createOrganization,
  makeClient,
  writeAudioFiles,
} from './support/fixtures';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await startSandboxProcess();
}, 30_000);
afterAll(async () => {
  await sandbox?.stop();
});

const HEX64 = /^0x[0-9a-f]{64}$/;

describe('works.register', () => {
  it('registers a file on testnet, reporting progress, quote, steps and states, then reads it back', async () => {
    const org = await createOrganization(sandbox.admin);
    const client = makeClient(sandbox.url, org);
    const [path] = await writeAudioFiles(1, { size: 600_000 });
    const progress: number[] = [];
    const steps: TrackingProgress[] = [];
    const states: string[] = [];
    let lastSnapshot: RegistrationSnapshot | undefined;
    let quoted = 0;

    const result = await client.works.register(
      { title: '  First Light  ', creators: CREATORS, file: path as string },
      {
        onProgress: ({ bytes }) => progress.push(bytes),
        onQuote: (quote, explanation) => {
          quoted += 1;
          expect(explanation.debitCredits).toBe(0); // testnet, small file: storage is free
          expect(quote.commitment).toMatch(HEX64);
        },
        onStep: (step) => steps.push(step),
        onState: (snapshot) => {
          states.push(snapshot.status.kind);
          lastSnapshot = snapshot;
        },
      },
    );

    expect(result).toMatchObject({
      network: 'testnet',
      transaction_type: 'register',
      version: 1,
      job_id: expect.any(String),
      transaction_id: expect.any(String),
    });
    expect(result.ats_id).toBeGreaterThan(0);
    expect(result.tx_hash).toMatch(HEX64);
    expect(result.block_number).toBeGreaterThan(0);
    expect(result.explorer_url).toContain(result.tx_hash as string);
    expect(result.access_code).toMatch(/^atc_[0-9a-f]{64}$/);
    expect(states).toEqual([
      'initializing',
      'uploading',
      'preparing',
      'awaiting-approval',
      'confirming',
      'tracking',
      'completed',
    ]);
    expect(progress.at(-1)).toBe(600_000);
    expect(quoted).toBe(1);
    expect(steps.at(-1)).toMatchObject({ step: 'completed', progress: 100 });
    // The path was uploaded and hashed in one pass, and the commitment checked in full.
    expect(lastSnapshot?.commitment?.status).toBe('match');

    const work = await client.works.get(result.ats_id as number);
    expect(work).toMatchObject({
      id: result.work_id,
      title: 'First Light',
      asset_filename: basename(path as string),
      latest_version: 1,
      latest_commitment: lastSnapshot?.commitment?.server,
    });
    const certificate = await client.works.certificate(result.work_id as string);
    expect(certificate.commitment).toBe(lastSnapshot?.commitment?.server);
    expect(certificate.tx_hash).toBe(result.tx_hash);
  }, 30_000);

  it('registers on mainnet and debits exactly the approved quote', async () => {
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 500 } });
    const client = makeClient(sandbox.url, org, { network: 'mainnet' });
    let approvedDebit = -1;
    const result = await client.works.register(
      { title: 'Paid Song', creators: CREATORS, file: audioBytes(4_096, 9), filename: 'paid.wav' },
      {
        approve: (quote, explanation) => {
          approvedDebit = explanation.debitCredits;
          return quote.total_price_credits === explanation.debitCredits;
        },
      },
    );
    expect(result).toMatchObject({ network: 'mainnet', version: 1 });
    expect(approvedDebit).toBeGreaterThan(0);
    expect((await sandbox.admin.credits(org.id)).mainnet).toBe(500 - approvedDebit);
    const works = await allWorks(client, 'mainnet');
    expect(works.map((w) => w.ats_id)).toEqual([result.ats_id]);
  }, 30_000);

  it('reads a { stream, size } source once for both the upload and the hash', async () => {
    const org = await createOrganization(sandbox.admin);
    const client = makeClient(sandbox.url, org);
    const [path] = (await writeAudioFiles(1, { size: 700_000, firstSeed: 40 })) as [string];
    const { size } = await stat(path);
    let opened = 0;
    let commitment: string | undefined;
    await client.works.register(
      {
        title: 'Streamed',
        creators: CREATORS,
        filename: 'streamed.wav',
        file: {
          stream: () => {
            opened += 1;
            return createReadStream(path);
          },
          size,
        },
      },
      { onState: (snapshot) => (commitment = snapshot.commitment?.status) },
    );
    expect(opened).toBe(1);
    expect(commitment).toBe('match');
  }, 30_000);

  it('refuses bad input before any request, naming the caller’s fields', async () => {
    const org = await createOrganization(sandbox.admin);
    const client = makeClient(sandbox.url, org);
    const error = await client.works
      .register({ title: '', creators: [], file: audioBytes(10, 1) })
      .catch((e: unknown) => e);
    expect(AtsValidationError.is(error)).toBe(true);
    expect((error as AtsValidationError).issues.map((i) => i.path)).toContain('filename');

    const missing = await client.works
      .register({ title: 'x', creators: CREATORS } as never)
      .catch((e: unknown) => e);
    expect((missing as AtsValidationError).issues.map((i) => i.path)).toContain('file');
  });
});

describe('adding versions', () => {
  it('updateVersion with a new file, then keeping it; reads show every version', async () => {
    const org = await createOrganization(sandbox.admin);
    const client = makeClient(sandbox.url, org);
    const [first, second] = (await writeAudioFiles(2, { firstSeed: 70 })) as [string, string];
    const registered = await client.works.register({
      title: 'Evolving',
      creators: CREATORS,
      file: first,
    });
    const atsId = registered.ats_id as number;

    const warnings: RegistrationWarning[] = [];
    const withFile = await client.works.updateVersion(
      atsId,
      { creators: [CREATORS[0] as (typeof CREATORS)[number]], file: second, title: 'Evolving' },
      { onWarning: (w) => warnings.push(w) },
    );
    expect(withFile).toMatchObject({
      transaction_type: 'add_version',
      ats_id: atsId,
      version: 2,
      work_id: registered.work_id,
      access_code: null,
    });
    expect(warnings).toEqual([]);

    const kept = await client.works.updateVersion(atsId, {
      creators: [{ full_name: 'Cy Adapter', email: 'cy@example.com', roles: ['adapter'] }],
    });
    expect(kept).toMatchObject({ ats_id: atsId, version: 3 });

    const { versions } = await client.works.versions(atsId);
    expect(versions.map((v) => [v.version, v.asset_filename])).toEqual([
      [1, basename(first)],
      [2, basename(second)],
      [3, basename(second)],
    ]);
    expect(versions.map((v) => v.transaction_id)).toEqual([
      registered.transaction_id,
      withFile.transaction_id,
      kept.transaction_id,
    ]);
    const creators = await client.works.creators(atsId);
    expect(creators).toMatchObject({ version: 3, creators: [{ full_name: 'Cy Adapter' }] });
    expect(await allWorks(client, 'testnet')).toHaveLength(1);
  }, 30_000);

  it('access(code).updateVersion reads the work’s network and title, then adds the version', async () => {
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 500 } });
    const client = makeClient(sandbox.url, org, { network: 'mainnet' });
    const registered = await client.works.register({
      title: 'Coded Work',
      creators: CREATORS,
      file: audioBytes(3_000, 5),
      filename: 'coded.wav',
    });
    // A client whose default network is the other one: the access code knows better.
    const other = makeClient(sandbox.url, org, { network: 'testnet' });
    const access = other.access(registered.access_code as string);
    let commitmentStatus: string | undefined;
    const update = await access.updateVersion(
      { creators: CREATORS, file: audioBytes(3_500, 6), filename: 'coded-v2.wav' },
      { onState: (snapshot) => (commitmentStatus = snapshot.commitment?.status) },
    );
    expect(update).toMatchObject({ network: 'mainnet', ats_id: registered.ats_id, version: 2 });
    // The title read from the work allows the full check.
    expect(commitmentStatus).toBe('match');
    const { versions } = await access.versions();
    expect(versions.map((v) => v.asset_filename)).toEqual(['coded.wav', 'coded-v2.wav']);
    expect((await access.work()).latest_version).toBe(2);
  }, 30_000);
});
