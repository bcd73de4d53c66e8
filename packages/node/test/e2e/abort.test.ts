// Aborting works.register in each state leaves nothing a retry would double: before a confirm is
// sent, registering again gives exactly one work; once a confirm may have happened, the error says
// so (with the job or transaction id) and resume / track finish that one registration instead.
// Each abort fires at an exact point: after the server answered the request of that state, from
// the first progress event, from the approval hook, from the state event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AtsClient,
  AtsRegistrationAbortedError,
  type RegisterWorkInput,
  type RegistrationOptions,
} from '../../src';
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

interface Scenario {
  client: AtsClient;
  hooks: ReturnType<typeof hookedFetch>;
  controller: AbortController;
  input: RegisterWorkInput;
}

async function scenario(): Promise<Scenario> {
  const org = await createOrganization(sandbox.admin);
  const hooks = hookedFetch();
  return {
    client: makeClient(sandbox.url, org, { fetch: hooks.fetch }),
    hooks,
    controller: new AbortController(),
    // Large enough to upload in several chunks (progress events come before the end).
    input: {
      title: 'Abortable',
      creators: CREATORS,
      file: audioBytes(3_000_000, 31),
      filename: 'a.wav',
    },
  };
}

async function abortedRun(
  s: Scenario,
  options: RegistrationOptions = {},
): Promise<AtsRegistrationAbortedError> {
  const error = await s.client.works
    .register(s.input, { signal: s.controller.signal, ...options })
    .then(() => {
      throw new Error('expected the registration to be aborted');
    })
    .catch((e: unknown) => e);
  expect(AtsRegistrationAbortedError.is(error)).toBe(true);
  return error as AtsRegistrationAbortedError;
}

/** Registering the same input again after the abort gives exactly one work. */
async function expectOneWorkAfterRetry(s: Scenario): Promise<void> {
  const result = await s.client.works.register(s.input);
  const works = await allWorks(s.client, 'testnet');
  expect(works.map((w) => w.id)).toEqual([result.work_id]);
}

describe('aborting works.register', () => {
  it('while initializing (init answered): nothing confirmed; registering again gives one work', async () => {
    const s = await scenario();
    s.hooks.hook({ method: 'POST', path: /\/works\/init$/, after: () => s.controller.abort() });
    const error = await abortedRun(s);
    expect(error).toMatchObject({
      at: 'initializing',
      confirmMayHaveSucceeded: false,
      transactionId: null,
    });
    expect(error.message).toContain('registering again is safe');
    expect(countSeen(s.hooks.seen, 'POST', CONFIRM)).toBe(0);
    await expectOneWorkAfterRetry(s);
  }, 30_000);

  it('while uploading: nothing confirmed; registering again gives one work', async () => {
    const s = await scenario();
    const error = await abortedRun(s, {
      onProgress: ({ bytes, total }) => {
        if (bytes < total) s.controller.abort();
      },
    });
    expect(error).toMatchObject({ at: 'uploading', confirmMayHaveSucceeded: false });
    expect(countSeen(s.hooks.seen, 'POST', /\/prepare$/)).toBe(0);
    await expectOneWorkAfterRetry(s);
  }, 30_000);

  it('while preparing (quote answered): nothing confirmed; registering again gives one work', async () => {
    const s = await scenario();
    s.hooks.hook({ method: 'POST', path: /\/works\/prepare$/, after: () => s.controller.abort() });
    const error = await abortedRun(s);
    expect(error).toMatchObject({ at: 'preparing', confirmMayHaveSucceeded: false });
    expect(countSeen(s.hooks.seen, 'POST', CONFIRM)).toBe(0);
    await expectOneWorkAfterRetry(s);
  }, 30_000);

  it('while awaiting approval: the hook is let go, nothing confirmed; registering again gives one work', async () => {
    const s = await scenario();
    const error = await abortedRun(s, {
      approve: () => {
        s.controller.abort();
        return new Promise<boolean>(() => {});
      },
    });
    expect(error).toMatchObject({ at: 'awaiting-approval', confirmMayHaveSucceeded: false });
    expect(countSeen(s.hooks.seen, 'POST', CONFIRM)).toBe(0);
    await expectOneWorkAfterRetry(s);
  }, 30_000);

  it('while confirming, before the confirm left: nothing confirmed; registering again gives one work', async () => {
    const s = await scenario();
    const error = await abortedRun(s, {
      onState: ({ status }) => {
        if (status.kind === 'confirming') s.controller.abort();
      },
    });
    expect(error).toMatchObject({ at: 'confirming', confirmMayHaveSucceeded: false });
    expect(countSeen(s.hooks.seen, 'POST', CONFIRM)).toBe(0);
    await expectOneWorkAfterRetry(s);
  }, 30_000);

  it('while confirming, the confirm accepted but unanswered: says it may exist; resume finds that one work', async () => {
    const s = await scenario();
    s.hooks.hook({ method: 'POST', path: CONFIRM, after: () => s.controller.abort() });
    const error = await abortedRun(s);
    expect(error).toMatchObject({
      at: 'confirming',
      confirmMayHaveSucceeded: true,
      transactionId: null,
    });
    expect(error.jobId).toEqual(expect.any(String));
    expect(error.message).toContain('Do not register again');

    // The safe retry: resume the job; the engine confirms it only if it is still pending.
    const result = await s.client.works
      .createRegistration()
      .resume({ jobId: error.jobId as string, stage: 'confirm', network: 'testnet' });
    expect(result.job_id).toBe(error.jobId);
    const works = await allWorks(s.client, 'testnet');
    expect(works.map((w) => w.id)).toEqual([result.work_id]);
    expect(countSeen(s.hooks.seen, 'POST', /\/works\/init$/)).toBe(1);
  }, 30_000);

  it('while tracking: says the registration goes on, with the transaction to follow; it completes', async () => {
    const s = await scenario();
    const error = await abortedRun(s, { onStep: () => s.controller.abort() });
    expect(error).toMatchObject({ at: 'tracking', confirmMayHaveSucceeded: false });
    expect(error.transactionId).toEqual(expect.any(String));
    expect(error.message).toContain('goes on on the server');

    const outcome = await s.client.transactions.wait(error.transactionId as string);
    expect(outcome.success).toBe(true);
    const works = await allWorks(s.client, 'testnet');
    expect(works.map((w) => w.id)).toEqual([outcome.result.work_id]);
    expect(countSeen(s.hooks.seen, 'POST', CONFIRM)).toBe(1);
  }, 30_000);
});
