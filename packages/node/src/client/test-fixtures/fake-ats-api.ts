import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

// A small stand-in for the ATS API on 127.0.0.1, for the client's tests: routes are set per test,
// every request is recorded, every answer carries an `X-Request-Id`, and WebSocket upgrades go to
// a per-test handler (refused with 404 when none is set).

/** A request the fake received. */
export interface FakeRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The `X-Request-Id` of the answer (also in error envelopes built with `apiError`). */
  requestId: string;
}

/** What a route answers. */
export interface FakeReply {
  status?: number;
  /** JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type FakeRoute = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAtsApi {
  baseUrl: string;
  requests: FakeRequest[];
  /** Answers `method` on the exact `path` (no query) with `route`. */
  route(method: string, path: string, route: FakeRoute): void;
  /** Accepts WebSocket upgrades and hands each socket over; `null` refuses them again. */
  onWebSocket(handler: ((socket: WebSocket, path: string) => void) | null): void;
  close(): Promise<void>;
}

/** The API's error envelope, with the request's id. */
export function apiError(
  request: FakeRequest,
  status: number,
  code: string,
  message = code,
  details?: Record<string, unknown>,
): FakeReply {
  return {
    status,
    body: { error: { code, message, details: details ?? null, request_id: request.requestId } },
  };
}

export async function startFakeAtsApi(): Promise<FakeAtsApi> {
  const routes = new Map<string, FakeRoute>();
  const requests: FakeRequest[] = [];
  let socketHandler: ((socket: WebSocket, path: string) => void) | null = null;
  let counter = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      counter += 1;
      const request: FakeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
        requestId: `req_${counter.toString(16).padStart(24, '0')}`,
      };
      requests.push(request);
      const route = routes.get(`${request.method} ${request.path}`);
      const reply = route
        ? await route(request)
        : apiError(request, 404, 'common.not_found', `No route ${request.method} ${request.path}`);
      if (res.destroyed) return;
      const isText = reply.text !== undefined;
      res.writeHead(reply.status ?? 200, {
        'content-type': isText ? 'application/xml' : 'application/json',
        'x-request-id': request.requestId,
        ...reply.headers,
      });
      res.end(isText ? reply.text : JSON.stringify(reply.body ?? {}));
    });
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket: Duplex, head) => {
    const handler = socketHandler;
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => handler(ws, req.url ?? '/'));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, route) {
      routes.set(`${method} ${path}`, route);
    },
    onWebSocket(handler) {
      socketHandler = handler;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// Wire fixtures shared by the tests.

export const API_KEY = `afo_sk_live_${'ab12'.repeat(12)}`;
export const ORG_ID = '0b9e7a4c-2d1f-4e6a-8b3c-5d7e9f1a2b3c';
export const WORK_ID = '0b8f3c2a-1d4e-4f5a-9b6c-7d8e9f0a1b2c';
export const TX_ID = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
export const JOB_ID = '3e2d1c0b-4a59-4867-9a5b-6c7d8e9f0a1b';
export const ACCESS_CODE = `atc_${'7e'.repeat(32)}`;
export const HASH = `0x${'ab'.repeat(32)}`;
export const TIME = '2026-04-30T11:00:00.000Z';

export const CREATOR = {
  full_name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: { author: true, composer: false, arranger: false, adapter: false },
  ipi: null,
  isni: null,
};

export function workSummary(atsId: number, title = `Work ${atsId}`) {
  return {
    id: WORK_ID,
    ats_id: atsId,
    owner: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    title,
    asset_filename: `${title}.wav`,
    latest_version: 1,
    latest_commitment: HASH,
    created_at: TIME,
    latest_version_at: TIME,
    has_files: true,
    network: 'testnet',
    external_user_ref: null,
  };
}

export function version(n: number) {
  return {
    version: n,
    commitment: HASH,
    media_hash: HASH,
    merkle_root: HASH,
    asset_filename: 'song.wav',
    registered_at_block: 10 + n,
    registered_at: TIME,
    block_hash: HASH,
    tx_hash: HASH,
    transaction_id: TX_ID,
    fee_credits: 0,
    storage_fee_credits: 0,
  };
}

export const QUOTE = {
  job_id: JOB_ID,
  commitment: HASH,
  network_fee_credits: 0,
  service_fee_credits: 0,
  storage_fee_credits: 0,
  total_price_credits: 0,
  is_valid: true,
  expires_at: TIME,
};

export const CONFIRMED = {
  transaction_id: TX_ID,
  ws_url: `/v1/ws/transactions/${TX_ID}`,
  status_url: `/v1/transactions/${TX_ID}`,
};

const STEPS = [
  ['validating', 5],
  ['preparing_transaction', 20],
  ['signing', 40],
  ['submitting', 60],
  ['confirming', 80],
  ['completed', 100],
] as const;

/**
 * The status route's answer after `reached` steps (1 = validating … 6 = completed); `failed: true`
 * makes the last step `failed` with `success: false`.
 */
export function transactionStatus(reached: number, options: { failed?: boolean } = {}) {
  const steps: { step: string; progress: number; description: string; timestamp: string }[] =
    STEPS.slice(0, reached).map(([step, progress]) => ({
      step,
      progress,
      description: step,
      timestamp: TIME,
    }));
  if (options.failed)
    steps.push({ step: 'failed', progress: 100, description: 'failed', timestamp: TIME });
  const last = steps[steps.length - 1] ?? { step: 'validating', progress: 5, description: '' };
  const isComplete = last.step === 'completed' || last.step === 'failed';
  return {
    id: TX_ID,
    transaction_type: 'register',
    network: 'testnet',
    current_step: last.step,
    progress: last.progress,
    description: last.description,
    is_complete: isComplete,
    result: isComplete
      ? {
          success: !options.failed,
          tx_hash: options.failed ? null : HASH,
          block_number: options.failed ? null : 12,
          block_hash: options.failed ? null : HASH,
          ats_id: options.failed ? null : 1,
          work_id: options.failed ? null : WORK_ID,
          explorer_url: null,
          access_code: options.failed ? null : ACCESS_CODE,
          error: options.failed
            ? { code: 'transaction.failed', message: 'Chain refused it' }
            : null,
        }
      : null,
    steps,
    created_at: TIME,
    updated_at: TIME,
  };
}

/** A WebSocket `update` frame for step number `n` (1-based, as `transactionStatus`). */
export function updateFrame(n: number): string {
  const [step, progress] = STEPS[n - 1] ?? ['completed', 100];
  return JSON.stringify({ type: 'update', step, progress, description: step, timestamp: TIME });
}
