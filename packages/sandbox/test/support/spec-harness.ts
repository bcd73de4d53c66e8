// Shared pieces of the black-box specification suite (test/spec-*.test.ts): fixtures, the error
// envelope check, whole registration flows, raw HTTP for bodies fetch cannot express, a local
// webhook receiver and a WebSocket frame collector. Everything talks real HTTP on 127.0.0.1.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { type ApiAnswer, audioBytes, CREATOR, type TestSandbox } from '../helpers';

/** `req_` + 24 lowercase hex (api.md §2.1). */
export const REQUEST_ID = /^req_[0-9a-f]{24}$/;
/** Sandbox timestamps: ISO 8601 UTC with milliseconds (api.md §2). */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const HASH = /^0x[0-9a-f]{64}$/;
export const ACCESS_CODE = /^atc_[0-9a-f]{64}$/;
export const API_KEY = /^afo_sk_live_[0-9a-f]{48}$/;

/**
 * Parsed wire JSON in assertions: its shape is what the tests check, so it stays loosely typed
 * (as `ApiAnswer` bodies are).
 */
// biome-ignore lint/suspicious/noExplicitAny: wire JSON, checked by the assertions themselves.
export type WireJson = any;

export const ALL_SCOPES = ['works:register', 'works:update', 'works:read'];
export type Network = 'testnet' | 'mainnet';

/** A second creator, distinct from `CREATOR`. */
export const SECOND_CREATOR = {
  full_name: 'Bo Second',
  email: 'bo@example.org',
  roles: { arranger: true },
};

/** 10 MiB, the free storage allowance (fees.md). */
export const MIB = 1024 * 1024;

/**
 * Asserts the §2.2 error envelope: status, code, a message, `request_id` shaped `req_…` and equal
 * to the `X-Request-Id` header. Returns the `error` object for further checks.
 *
 * @example
 * expectError(answer, 404, 'work.not_found');
 */
export function expectError(answer: ApiAnswer, status: number, code: string) {
  const summary = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, summary).toBe(status);
  expect(answer.body?.error?.code, summary).toBe(code);
  expect(typeof answer.body.error.message, summary).toBe('string');
  expect(answer.body.error.request_id, summary).toMatch(REQUEST_ID);
  expect(answer.headers.get('x-request-id')).toBe(answer.body.error.request_id);
  return answer.body.error as {
    code: string;
    message: string;
    details?: WireJson;
    request_id: string;
  };
}

/** Asserts an S3-style XML error of the object store (api.md §5.2). */
export function expectS3Error(
  answer: { status: number; text: string },
  status: number,
  code: string,
): string {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.text).toContain(`<Code>${code}</Code>`);
  expect(answer.text).toMatch(/<Message>[^<]+<\/Message>/);
  expect(answer.text).toMatch(/<RequestId>req_[0-9a-f]{24}<\/RequestId>/);
  return /<Message>([^<]+)<\/Message>/.exec(answer.text)?.[1] ?? '';
}

/** Options of `seedOrg`. */
export interface SeedOptions {
  name?: string;
  credits?: { testnet?: number; mainnet?: number };
  scopes?: string[];
  webhookUrl?: string;
  maxFileSizeBytes?: number;
  testnetQuota?: { limit: number; period_seconds: number };
}

/** An organization with one API key (all scopes unless told). */
export async function seedOrg(t: TestSandbox, options: SeedOptions = {}) {
  const organization = await t.admin.createOrganization({
    name: options.name ?? 'Spec Org',
    credits: options.credits ?? { testnet: 1000, mainnet: 1000 },
    ...(options.testnetQuota ? { testnet_quota: options.testnetQuota } : {}),
  });
  const key = await t.admin.createApiKey(organization.id, {
    name: 'spec',
    scopes: options.scopes ?? ALL_SCOPES,
    ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
    ...(options.maxFileSizeBytes ? { max_file_size_bytes: options.maxFileSizeBytes } : {}),
  });
  return {
    organization,
    orgId: organization.id,
    token: key.token,
    keyId: key.id,
    webhookSecret: key.webhook_secret_base64 ?? null,
  };
}

/** Another API key of an organization. */
export async function addKey(
  t: TestSandbox,
  orgId: string,
  options: { scopes?: string[]; webhookUrl?: string; maxFileSizeBytes?: number } = {},
) {
  const key = await t.admin.createApiKey(orgId, {
    name: 'extra',
    scopes: options.scopes ?? ALL_SCOPES,
    ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
    ...(options.maxFileSizeBytes ? { max_file_size_bytes: options.maxFileSizeBytes } : {}),
  });
  return { token: key.token, keyId: key.id, webhookSecret: key.webhook_secret_base64 ?? null };
}

/** A valid init body, with overrides. */
export function initBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    network: 'testnet',
    title: 'Night Song',
    filename: 'night-song.wav',
    creators: [CREATOR],
    ...overrides,
  };
}

/** A raw answer of the object store (or of any non-JSON request). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** PUTs bytes to an upload URL. */
export async function putFile(
  url: string,
  bytes: Uint8Array<ArrayBuffer>,
  contentType = 'audio/wav',
): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'PUT',
    body: bytes,
    headers: { 'Content-Type': contentType },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** GETs any URL and keeps the bytes. */
export async function getBytes(url: string) {
  const response = await fetch(url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text: new TextDecoder().decode(bytes),
  };
}

/** Options of `registerFlow`. */
export interface FlowOptions {
  network?: Network;
  /** Route prefix: `/v1/works` (default) or `/v1/organizations/<org>/works`. */
  prefix?: string;
  body?: Record<string, unknown>;
  file?: Uint8Array<ArrayBuffer>;
  contentType?: string;
  headers?: Record<string, string>;
  /** Stop after prepare. */
  noConfirm?: boolean;
}

let fileCounter = 0;

/**
 * init → PUT → prepare → confirm, asserting each step succeeded. The clock is not moved.
 */
export async function registerFlow(t: TestSandbox, token: string, options: FlowOptions = {}) {
  const prefix = options.prefix ?? '/v1/works';
  const headers = options.headers ?? {};
  const body = initBody({ network: options.network ?? 'testnet', ...options.body });
  const init = await t.call('POST', `${prefix}/init`, { token, body, headers });
  expect(init.status, init.text).toBe(200);
  // A distinct file per flow (deterministic), so that works do not share a media hash.
  fileCounter += 1;
  const file = options.file ?? audioBytes(1024 + fileCounter, fileCounter % 251);
  const upload = await putFile(init.body.upload_url, file, options.contentType);
  expect(upload.status, upload.text).toBe(200);
  const jobId = init.body.job_id as string;
  const prepare = await t.call('POST', `${prefix}/prepare`, {
    token,
    body: { job_id: jobId },
    headers,
  });
  expect(prepare.status, prepare.text).toBe(200);
  let confirm: ApiAnswer | undefined;
  if (!options.noConfirm) {
    confirm = await t.call('POST', `${prefix}/confirm`, {
      token,
      body: { job_id: jobId },
      headers,
    });
    expect(confirm.status, confirm.text).toBe(202);
  }
  // txId is '' when the flow stopped after prepare.
  const txId: string = confirm?.body.transaction_id ?? '';
  return { init, upload, prepare, confirm, jobId, file, body, txId };
}

/** Virtual time enough for any confirmed transaction to reach finality (testnet ≤ 25.5 s). */
export const FINALITY_MS = 30_000;

/** `registerFlow`, then the clock to finality; returns the transaction's `result` too. */
export async function registerFinal(t: TestSandbox, token: string, options: FlowOptions = {}) {
  const flow = await registerFlow(t, token, options);
  await t.admin.advanceClock(FINALITY_MS);
  const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
  expect(status.body.current_step, status.text).toBe('completed');
  return { ...flow, status: status.body, result: status.body.result };
}

/** Adds a version keeping the file (or uploading `file`) and runs it to finality. */
export async function addVersionFinal(
  t: TestSandbox,
  token: string,
  atsId: number,
  options: {
    network?: Network;
    creators?: unknown[];
    file?: Uint8Array<ArrayBuffer>;
    prefix?: string;
  } = {},
) {
  const prefix = options.prefix ?? '/v1/works';
  const network = options.network ?? 'testnet';
  const creators = options.creators ?? [CREATOR, SECOND_CREATOR];
  const init = options.file
    ? await t.call('POST', `${prefix}/${atsId}/versions/init-upload`, {
        token,
        body: { network, creators, filename: 'take-2.wav' },
      })
    : await t.call('POST', `${prefix}/${atsId}/versions/init`, {
        token,
        body: { network, creators },
      });
  expect(init.status, init.text).toBe(200);
  if (options.file) expect((await putFile(init.body.upload_url, options.file)).status).toBe(200);
  const jobId = init.body.job_id as string;
  const prepare = await t.call('POST', `${prefix}/${atsId}/versions/prepare`, {
    token,
    body: { job_id: jobId },
  });
  expect(prepare.status, prepare.text).toBe(200);
  const confirm = await t.call('POST', `${prefix}/${atsId}/versions/confirm`, {
    token,
    body: { job_id: jobId },
  });
  expect(confirm.status, confirm.text).toBe(202);
  await t.admin.advanceClock(FINALITY_MS);
  const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
  expect(status.body.current_step, status.text).toBe('completed');
  return { init, prepare, confirm, status: status.body, result: status.body.result };
}

/** The sandbox's virtual now, epoch ms. */
export async function virtualNow(t: TestSandbox): Promise<number> {
  return Date.parse((await t.admin.clock()).now);
}

/** Hex SHA-256 of UTF-8 text. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex MD5 of bytes (the upload ETag). */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Widget sessions

/** An organization's widget site allowing `shop.example.com` and its subdomains. */
export async function seedSite(
  t: TestSandbox,
  orgId: string,
  options: { allowedOrigins?: string[]; maxFileSizeBytes?: number } = {},
) {
  return t.admin.createSite(orgId, {
    name: 'shop',
    allowed_origins: options.allowedOrigins ?? ['shop.example.com', '*.example.com'],
    ...(options.maxFileSizeBytes ? { max_file_size_bytes: options.maxFileSizeBytes } : {}),
  });
}

export const SHOP_ORIGIN = 'https://shop.example.com';

/** `POST /v1/sessions` with an allowlisted `Origin` (unless told). */
export function openSession(
  t: TestSandbox,
  body: Record<string, unknown>,
  origin: string | null = SHOP_ORIGIN,
): Promise<ApiAnswer> {
  return t.call('POST', '/v1/sessions', { body, headers: origin ? { Origin: origin } : {} });
}

/** A session token for `action_type` on `allowed_network` (default testnet), asserting `200`. */
export async function sessionToken(
  t: TestSandbox,
  secretKey: string,
  action: 'register' | 'update_version' | 'access',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const answer = await openSession(t, {
    secret_key: secretKey,
    action_type: action,
    allowed_network: 'testnet',
    ...extra,
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.token as string;
}

/** Headers of a session call. */
export function sessionHeaders(siteKey: string): Record<string, string> {
  return { 'X-Site-Key': siteKey };
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP (declared lengths, chunked streams, aborted bodies)

/** Options of `rawRequest`. */
export interface RawRequestOptions {
  method: string;
  headers?: Record<string, string | number>;
  /** Chunks written in order; a function is called after each write. */
  chunks?: Uint8Array[];
  /** End the request after the chunks (default true). */
  end?: boolean;
}

/**
 * A request through `node:http` that can declare any `Content-Length`, stream chunks and observe an
 * answer that arrives before the body was fully sent. Resolves with the answer, or with
 * `{ status: 0 }` when the connection was cut before one arrived.
 */
export function rawRequest(
  url: string,
  options: RawRequestOptions,
): Promise<RawAnswer & { sentBytes: number }> {
  return new Promise((resolve) => {
    let sentBytes = 0;
    let settled = false;
    const done = (value: RawAnswer & { sentBytes: number }) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const request = http.request(
      url,
      { method: options.method, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) headers.set(name, value.join(', '));
          }
          done({
            status: response.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString('utf8'),
            sentBytes,
          });
          request.destroy();
        });
        response.on('error', () =>
          done({ status: 0, headers: new Headers(), text: '', sentBytes }),
        );
      },
    );
    request.on('error', () => done({ status: 0, headers: new Headers(), text: '', sentBytes }));
    const chunks = options.chunks ?? [];
    const writeNext = (i: number) => {
      if (settled || request.destroyed) return;
      if (i >= chunks.length) {
        if (options.end !== false) request.end();
        return;
      }
      const chunk = chunks[i]!;
      sentBytes += chunk.byteLength;
      request.write(chunk, () => writeNext(i + 1));
    };
    writeNext(0);
  });
}

/**
 * A streaming PUT controlled step by step: `write` sends bytes, `finish` ends the body and
 * resolves with the answer, `abort` cuts the connection.
 */
export function streamingPut(url: string, headers: Record<string, string | number> = {}) {
  let resolveAnswer: (answer: RawAnswer) => void = () => {};
  const answer = new Promise<RawAnswer>((resolve) => {
    resolveAnswer = resolve;
  });
  const request = http.request(url, { method: 'PUT', headers }, (response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      const h = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (typeof value === 'string') h.set(name, value);
      }
      resolveAnswer({
        status: response.statusCode ?? 0,
        headers: h,
        text: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
  request.on('error', () => resolveAnswer({ status: 0, headers: new Headers(), text: '' }));
  request.flushHeaders();
  return {
    answer,
    write: (bytes: Uint8Array) =>
      new Promise<void>((resolve) => request.write(bytes, () => resolve())),
    finish: () => {
      request.end();
      return answer;
    },
    abort: () => request.destroy(),
  };
}

/**
 * Waits (wall clock, bounded) for a condition that depends on I/O finishing: a delivery reaching
 * the receiver, a frame reaching a socket. Never used to let virtual time pass.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// Webhook receiver

/** One request the receiver got, with the exact body bytes. */
export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  json: WireJson;
  answeredWith: number;
}

/**
 * A webhook receiver on 127.0.0.1: answers each request with `respond(n)` (n from 1), `200` by
 * default, and records it.
 */
export async function startWebhookReceiver(
  respond: (n: number, raw: Buffer) => number = () => 200,
) {
  const received: ReceivedWebhook[] = [];
  let responder = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = responder(received.length + 1, raw);
      let json: unknown = null;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        json = null;
      }
      received.push({ headers: req.headers, raw, json, answeredWith: status });
      res.writeHead(
        status,
        status >= 300 && status < 400 ? { Location: 'http://127.0.0.1:1/' } : {},
      );
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    setResponder(next: (n: number, raw: Buffer) => number) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// WebSocket

/** A WebSocket that records every frame and its close. */
export class FrameCollector {
  readonly frames: WireJson[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve();
      });
    });
    this.socket.on('error', () => {});
    this.socket.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
  }

  /** Waits for at least `count` frames (bounded wall time). */
  waitForFrames(count: number): Promise<void> {
    return waitUntil(
      () => this.frames.length >= count,
      `${count} WebSocket frames (got ${this.frames.length})`,
    );
  }

  /** Waits for the close (bounded wall time). */
  async waitForClose(): Promise<number | null> {
    await Promise.race([
      this.closed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('socket did not close')), 5_000),
      ),
    ]);
    return this.closeCode;
  }
}

/** The `ws://` URL of a path on the sandbox. */
export function wsUrl(t: TestSandbox, path: string): string {
  return `${t.sandbox.url.replace(/^http/, 'ws')}${path}`;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness (fuzzing)

/** mulberry32: a small seeded PRNG, so that fuzz runs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
