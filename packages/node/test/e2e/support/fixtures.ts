// What the end-to-end suites share: an organization per test, a client with short waits, small
// generated audio files, a fetch that lets a test act between the server's answer and the client.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SleepFunction } from '@ats-kit/core';
import type { SandboxAdminClient } from '@ats-kit/sandbox';
import { AtsClient, type AtsClientOptions, type WorkSummary } from '../../../src';

export const CREATORS = [
  { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: ['author', 'composer'] },
  { full_name: 'Bo Writer', email: 'bo@example.com', roles: { arranger: true } },
];

/** An organization with credits and an API key with every scope. */
export interface TestOrganization {
  id: string;
  apiKey: string;
  apiKeyId: string;
  /** Base64 webhook secret (with `webhookUrl`). */
  webhookSecret: string | null;
}

export async function createOrganization(
  admin: SandboxAdminClient,
  options: { credits?: { testnet?: number; mainnet?: number }; webhookUrl?: string } = {},
): Promise<TestOrganization> {
  const organization = await admin.createOrganization({
    name: 'E2E organization',
    credits: { testnet: 1_000, mainnet: 1_000, ...options.credits },
  });
  const key = await admin.createApiKey(organization.id, {
    name: 'e2e',
    scopes: ['works:register', 'works:update', 'works:read'],
    ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
  });
  return {
    id: organization.id,
    apiKey: key.token,
    apiKeyId: key.id,
    webhookSecret: key.webhook_secret_base64 ?? null,
  };
}

/**
 * Waits at most `capMs` of wall time: backoff, `Retry-After` and polls are honoured in order but
 * shortened, so fault-heavy runs stay fast. Rejects when the signal fires, as the default does.
 */
export function shortSleep(capMs = 20): SleepFunction {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(ms, capMs),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

export function makeClient(
  url: string,
  organization: TestOrganization,
  options: Partial<AtsClientOptions> = {},
): AtsClient {
  return new AtsClient({
    apiKey: organization.apiKey,
    baseUrl: url,
    network: 'testnet',
    sleep: shortSleep(),
    ...options,
  });
}

/** Deterministic bytes that differ per seed (so each file has its own media hash). */
export function audioBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Writes `count` small distinct files to a fresh temp directory; returns their paths. */
export async function writeAudioFiles(
  count: number,
  options: { size?: number; prefix?: string; firstSeed?: number } = {},
): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ats-e2e-'));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `${options.prefix ?? 'track'}-${String(i).padStart(3, '0')}.wav`);
    await writeFile(path, audioBytes(options.size ?? 2_048, (options.firstSeed ?? 1) + i));
    paths.push(path);
  }
  return paths;
}

/** Every work of the client's organization on one network, across pages. */
export async function allWorks(client: AtsClient, network: 'testnet' | 'mainnet') {
  const works: WorkSummary[] = [];
  for await (const work of client.works.list({ network, first: 100 })) works.push(work);
  return works;
}

/** A request the hooked fetch saw. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The answer's status; 0 while waiting, or when no answer came. */
  status: number;
}

/** Runs around one matching request: before it is sent, and after its answer, before the client reads it. */
export interface FetchHook {
  method: string;
  path: RegExp;
  before?: () => void | Promise<void>;
  after?: (response: Response) => void | Promise<void>;
}

/**
 * A fetch that records every API request and runs one-shot hooks around matching ones, so a test
 * can act at an exact point of the flow (abort once the server has answered, change faults just
 * for one request).
 */
export function hookedFetch(): {
  fetch: typeof fetch;
  seen: SeenRequest[];
  hook(hook: FetchHook): void;
} {
  const seen: SeenRequest[] = [];
  const hooks: FetchHook[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const entry: SeenRequest = { method: request.method, path, status: 0 };
    seen.push(entry);
    const index = hooks.findIndex((h) => h.method === request.method && h.path.test(path));
    const hook = index >= 0 ? hooks.splice(index, 1)[0] : undefined;
    await hook?.before?.();
    const response = await fetch(request);
    entry.status = response.status;
    await hook?.after?.(response);
    return response;
  };
  return { fetch: wrapped, seen, hook: (hook) => hooks.push(hook) };
}

/** Requests matching `method` and `path`. */
export function countSeen(seen: SeenRequest[], method: string, path: RegExp): number {
  return seen.filter((r) => r.method === method && path.test(r.path)).length;
}
