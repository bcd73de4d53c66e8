// A confirm whose answer is lost, against the sandbox's own fault injection: `api_5xx_phase:
// 'after'` (the confirm happened, the answer is a 503) and `'before'` (the 503 came first, nothing
// happened). The faults are switched on for the confirm request alone, by a fetch that sets them
// just before it and clears them once its answer is in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtsConfirmOutcomeUnknownError, type RegistrationWarning } from '../../src';
import {
  allWorks,
  audioBytes,
  CREATORS,
  countSeen,
  createOrganization,
  hookedFetch,
  makeClient,
} from './support/fixtures';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await startSandboxProcess();
}, 30_000);
afterAll(async () => {
  await sandbox?.stop();
});

const CONFIRM = /\/works\/confirm$/;
const PREPARE = /\/works\/prepare$/;

/** Every confirm this fetch sends (`times` of them) gets a 503 in `phase`. */
function failConfirms(
  hooks: ReturnType<typeof hookedFetch>,
  phase: 'before' | 'after',
  times = 1,
): void {
  for (let i = 0; i < times; i++) {
    hooks.hook({
      method: 'POST',
      path: CONFIRM,
      before: async () => {
        await sandbox.admin.setFaults({ api_5xx_rate: 1, api_5xx_phase: phase });
      },
      after: async () => {
        await sandbox.admin.setFaults({});
      },
    });
  }
}

describe('a lost confirm answer', () => {
  it("phase 'after' (the confirm happened): found through prepare's 404 and the listing; one work, one debit", async () => {
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 500 } });
    const hooks = hookedFetch();
    const client = makeClient(sandbox.url, org, { network: 'mainnet', fetch: hooks.fetch });
    failConfirms(hooks, 'after');
    const warnings: RegistrationWarning[] = [];
    let debit = 0;

    const result = await client.works.register(
      { title: 'Lost Answer', creators: CREATORS, file: audioBytes(5_000, 11), filename: 'a.wav' },
      {
        onWarning: (w) => warnings.push(w),
        onQuote: (_quote, explanation) => (debit = explanation.debitCredits),
      },
    );

    expect(result).toMatchObject({ network: 'mainnet', version: 1, job_id: expect.any(String) });
    expect(result.access_code).toMatch(/^atc_/);
    expect(warnings.map((w) => w.code)).toEqual(['confirm_answer_lost', 'confirm_recovered']);
    expect(countSeen(hooks.seen, 'POST', CONFIRM)).toBe(1);
    // The quote, then the probe (404: consumed).
    expect(countSeen(hooks.seen, 'POST', PREPARE)).toBe(2);
    const works = await allWorks(client, 'mainnet');
    expect(works.map((w) => w.id)).toEqual([result.work_id]);
    expect((await sandbox.admin.credits(org.id)).mainnet).toBe(500 - debit);
  }, 30_000);

  it("phase 'before' (nothing happened): prepare finds the job pending and the same job is confirmed again", async () => {
    const org = await createOrganization(sandbox.admin, { credits: { mainnet: 500 } });
    const hooks = hookedFetch();
    const client = makeClient(sandbox.url, org, { network: 'mainnet', fetch: hooks.fetch });
    failConfirms(hooks, 'before');
    const warnings: RegistrationWarning[] = [];
    let debit = 0;

    const result = await client.works.register(
      { title: 'Retried', creators: CREATORS, file: audioBytes(5_000, 12), filename: 'b.wav' },
      {
        onWarning: (w) => warnings.push(w),
        onQuote: (_quote, explanation) => (debit = explanation.debitCredits),
      },
    );

    expect(result).toMatchObject({ network: 'mainnet', version: 1 });
    expect(warnings.map((w) => w.code)).toEqual(['confirm_answer_lost']);
    expect(countSeen(hooks.seen, 'POST', CONFIRM)).toBe(2);
    expect(countSeen(hooks.seen, 'POST', /\/works\/init$/)).toBe(1);
    expect((await allWorks(client, 'mainnet')).map((w) => w.id)).toEqual([result.work_id]);
    expect((await sandbox.admin.credits(org.id)).mainnet).toBe(500 - debit);
  }, 30_000);

  it('the same for a version: found as the new version with the quote’s commitment', async () => {
    const org = await createOrganization(sandbox.admin);
    const hooks = hookedFetch();
    const client = makeClient(sandbox.url, org, { fetch: hooks.fetch });
    const registered = await client.works.register({
      title: 'Versioned',
      creators: CREATORS,
      file: audioBytes(2_000, 13),
      filename: 'v1.wav',
    });
    hooks.hook({
      method: 'POST',
      path: /\/versions\/confirm$/,
      before: async () => {
        await sandbox.admin.setFaults({ api_5xx_rate: 1, api_5xx_phase: 'after' });
      },
      after: async () => {
        await sandbox.admin.setFaults({});
      },
    });
    // The engine itself, to bound the lookup of the unknown case.
    const outcome = await client.works
      .createRegistration({ confirmLookupTimeoutMs: 3_000 })
      .updateVersion({
        atsId: registered.ats_id as number,
        network: 'testnet',
        creators: CREATORS,
        media: audioBytes(2_100, 14),
        filename: 'v2.wav',
      })
      .catch((e: unknown) => e);
    // Found (version 2) when the lookup's first read came before finality (~0.3 s here); a
    // version already final at that read cannot be told from an older identical one, so it is
    // then reported unknown, never guessed. Either way exactly one new version exists.
    if (AtsConfirmOutcomeUnknownError.is(outcome)) {
      expect(outcome.jobId).toEqual(expect.any(String));
    } else {
      expect(outcome).toMatchObject({ version: 2, transaction_type: 'add_version' });
    }
    expect(countSeen(hooks.seen, 'POST', /\/versions\/confirm$/)).toBe(1);
    const { versions } = await client.works.versions(registered.ats_id as number);
    expect(versions).toHaveLength(2);
  }, 30_000);

  it('confirm failing every time (before): the job is proven unconfirmed each time, and the run fails without a doubt', async () => {
    const org = await createOrganization(sandbox.admin);
    const hooks = hookedFetch();
    const client = makeClient(sandbox.url, org, { fetch: hooks.fetch });
    failConfirms(hooks, 'before', 3);
    const error = await client.works
      .register({
        title: 'Never',
        creators: CREATORS,
        file: audioBytes(1_000, 15),
        filename: 'n.wav',
      })
      .catch((e: unknown) => e);
    expect(AtsConfirmOutcomeUnknownError.is(error)).toBe(false);
    expect(error).toMatchObject({ status: 503, code: 'common.service_unavailable' });
    expect(countSeen(hooks.seen, 'POST', CONFIRM)).toBe(3);
    expect(await allWorks(client, 'testnet')).toHaveLength(0);
  }, 30_000);
});
