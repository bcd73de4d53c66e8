// A small loopback stand-in for the ATS API, enough for the engine's tests: init / upload /
// prepare / confirm in the three route families, the status route, the transaction WebSocket,
// stats and the reads a lost confirm is looked up with (works listing, versions), on a virtual
// clock, with scripted failures. Not the sandbox (packages/sandbox): only what
// the engine needs, kept readable.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { computeCommitment } from '../../commitment';
import { quoteFees } from '../../fees';
import type { Network } from '../../networks';
import type { SleepFunction } from '../../transport';

/** A virtual clock shared by the engine (now, sleep) and the server (expiries). */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
  /** Advances the clock instead of waiting; records each wait. */
  sleep: SleepFunction;
  sleeps: number[];
}

export function createTestClock(start = Date.parse('2026-04-30T11:00:00.000Z')): TestClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleeps,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      // A real turn of the event loop, so sockets and aborts get their chance.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** What the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or `{ bytes }` for an upload. */
  body: unknown;
}

/** An answer before it is written. */
export interface Answer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** What an interceptor may do with a request: answer it, drop the connection, or never answer. */
export type InterceptResult = Answer | 'drop' | 'hang';

export type Interceptor = (
  request: RecordedRequest,
  proceed: () => Promise<Answer>,
) => Promise<InterceptResult> | InterceptResult;

/**
 * How the WebSocket behaves: `normal` (all steps to the end, details on the terminal frame),
 * `refuse` (the upgrade is answered 503), `drop` (cut after the first update, no close frame),
 * `no-details` (terminal frame without details), `garbage` (junk frames first, then normal),
 * `silent` (opens, says nothing), `error` (an error frame, close 1011).
 */
export type WsMode = 'normal' | 'refuse' | 'drop' | 'no-details' | 'garbage' | 'silent' | 'error';

export interface FakeSettings {
  wsMode: WsMode;
  /** Prepare answers this commitment instead of the real one. */
  commitmentOverride: string | null;
  /** The next N uploads are refused as expired. */
  expireUploads: number;
  /** The transaction fails on chain. */
  chainFailure: boolean;
  /** `GET /v1/stats` limit. */
  maxAudioSizeBytes: number;
  /** Fee answers that do not add up (total one more than the parts). */
  brokenTotals: boolean;
}

interface Work {
  network: Network;
  atsId: number;
  workId: string;
  title: string;
  bytes: Buffer;
  accessCode: string | null;
  externalUserRef: string | null;
  versions: number;
  /** Finalized versions, oldest first, as the versions route shows them. */
  history: { version: number; commitment: string; transactionId: string; at: number }[];
}

interface Job {
  id: string;
  kind: 'register' | 'version';
  network: Network;
  title: string;
  creators: unknown[];
  externalUserRef: string | null;
  work: Work | null;
  bytes: Buffer | null;
  uploadExpiresAt: number | null;
  quoteExpiresAt: number | null;
  prepared: boolean;
  confirmed: boolean;
  /** The commitment of the last prepare, recorded at finality. */
  commitment: string | null;
}

const STEPS = [
  ['validating', 5, 'Validating the request'],
  ['preparing_transaction', 20, 'Preparing the transaction'],
  ['signing', 40, 'Signing'],
  ['submitting', 60, 'Submitting to the chain'],
  ['confirming', 80, 'Waiting for inclusion'],
] as const;

interface Transaction {
  id: string;
  type: 'register' | 'add_version';
  network: Network;
  job: Job | null;
  /** Index in STEPS; STEPS.length = terminal. */
  index: number;
  fails: boolean;
  result: Record<string, unknown> | null;
  createdAt: number;
}

export interface FakeAtsServer {
  baseUrl: string;
  requests: RecordedRequest[];
  settings: FakeSettings;
  /** Requests whose method matches and whose path matches `pattern`. */
  seen(method: string, pattern: RegExp): RecordedRequest[];
  /** Runs `interceptor` on the next `times` requests that match (default once). */
  intercept(method: string, pattern: RegExp, interceptor: Interceptor, times?: number): void;
  /** Holds the next matching request until `release()`; `arrived` resolves when it comes. */
  hold(method: string, pattern: RegExp): { arrived: Promise<void>; release(): void };
  /** A finished work to add versions to. */
  seedWork(work: { network: Network; atsId: number; title: string; bytes?: Buffer }): Work;
  /** A transaction already confirmed (for `track`), at its first step. */
  seedTransaction(network: Network): string;
  /** WebSocket connections opened / closed by the client. */
  sockets: { opened: number; closedByClient: number };
  close(): Promise<void>;
}

export async function startFakeAtsServer(clock: TestClock): Promise<FakeAtsServer> {
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, Job>();
  const works = new Map<string, Work>();
  const transactions = new Map<string, Transaction>();
  const idempotency = new Map<string, { route: string; answer: Answer }>();
  const interceptors: {
    method: string;
    pattern: RegExp;
    interceptor: Interceptor;
    times: number;
  }[] = [];
  const sockets = { opened: 0, closedByClient: 0 };
  const settings: FakeSettings = {
    wsMode: 'normal',
    commitmentOverride: null,
    expireUploads: 0,
    chainFailure: false,
    maxAudioSizeBytes: 500_000_000,
    brokenTotals: false,
  };
  const heights: Record<Network, number> = { testnet: 100, mainnet: 200 };
  const atsIds: Record<Network, number> = { testnet: 0, mainnet: 0 };
  let baseUrl = '';

  const iso = (ms: number) => new Date(ms).toISOString();
  const hex = (text: string) => `0x${createHash('sha256').update(text).digest('hex')}`;
  const error = (status: number, code: string, details?: unknown): Answer => ({
    status,
    json: {
      error: { code, message: `${code} (fake)`, details: details ?? null, request_id: 'req_fake' },
    },
  });

  // ---- Transactions --------------------------------------------------------------------------

  function createTransaction(type: Transaction['type'], network: Network, job: Job | null) {
    const tx: Transaction = {
      id: randomUUID(),
      type,
      network,
      job,
      index: 0,
      fails: settings.chainFailure,
      result: null,
      createdAt: clock.now(),
    };
    transactions.set(tx.id, tx);
    return tx;
  }

  function stepOf(tx: Transaction): { step: string; progress: number; description: string } {
    if (tx.index < STEPS.length) {
      const [step, progress, description] = STEPS[tx.index]!;
      return { step, progress, description };
    }
    return tx.fails
      ? { step: 'failed', progress: 100, description: 'The transaction failed' }
      : { step: 'completed', progress: 100, description: 'Recorded on chain' };
  }

  function advance(tx: Transaction): void {
    if (tx.index >= STEPS.length) return;
    tx.index += 1;
    if (tx.index === STEPS.length) finalize(tx);
  }

  function finalize(tx: Transaction): void {
    heights[tx.network] += 1;
    const txHash = hex(`tx:${tx.network}:${tx.id}`);
    if (tx.fails) {
      tx.result = {
        success: false,
        tx_hash: txHash,
        block_number: null,
        block_hash: null,
        ats_id: null,
        work_id: null,
        explorer_url: null,
        access_code: null,
        error: { code: 'transaction.failed', message: 'The chain refused the transaction' },
      };
      return;
    }
    const job = tx.job;
    let work: Work;
    let version = 1;
    if (job?.work) {
      work = job.work;
      work.versions += 1;
      version = work.versions;
      if (job.bytes) work.bytes = job.bytes;
      work.history.push(historyEntry(version, job, tx));
    } else {
      atsIds[tx.network] += 1;
      work = {
        network: tx.network,
        atsId: atsIds[tx.network],
        workId: job?.id ?? randomUUID(),
        title: job?.title ?? 'Seeded',
        bytes: job?.bytes ?? Buffer.from('seed'),
        accessCode: job?.externalUserRef
          ? null
          : `atc_${createHash('sha256').update(tx.id).digest('hex')}`,
        externalUserRef: job?.externalUserRef ?? null,
        versions: 1,
        history: [historyEntry(1, job, tx)],
      };
      works.set(`${work.network}:${work.atsId}`, work);
    }
    tx.result = {
      success: true,
      tx_hash: txHash,
      block_number: heights[tx.network],
      block_hash: hex(`block:${tx.network}:${heights[tx.network]}`),
      ats_id: work.atsId,
      work_id: work.workId,
      version,
      explorer_url: `https://explorer.example/tx/${txHash}`,
      access_code: tx.type === 'register' ? work.accessCode : null,
      error: null,
    };
  }

  function historyEntry(
    version: number,
    job: Job | null,
    tx: Transaction,
  ): Work['history'][number] {
    return {
      version,
      commitment: job?.commitment ?? hex(`seed:${tx.id}`),
      transactionId: tx.id,
      at: clock.now(),
    };
  }

  function statusOf(tx: Transaction): Record<string, unknown> {
    const current = stepOf(tx);
    const steps = [];
    for (let i = 0; i <= Math.min(tx.index, STEPS.length); i++) {
      const at = i < STEPS.length ? STEPS[i]! : null;
      steps.push(
        at
          ? { step: at[0], progress: at[1], description: at[2], timestamp: iso(tx.createdAt) }
          : { ...current, timestamp: iso(tx.createdAt) },
      );
    }
    return {
      id: tx.id,
      transaction_type: tx.type,
      network: tx.network,
      current_step: current.step,
      progress: current.progress,
      description: current.description,
      is_complete: tx.index >= STEPS.length,
      result: tx.result,
      steps,
      created_at: iso(tx.createdAt),
      updated_at: iso(clock.now()),
    };
  }

  // ---- Jobs ----------------------------------------------------------------------------------

  function newJob(
    fields: Omit<Job, 'id' | 'prepared' | 'confirmed' | 'quoteExpiresAt' | 'commitment'>,
  ): Job {
    const job: Job = {
      ...fields,
      id: randomUUID(),
      prepared: false,
      confirmed: false,
      quoteExpiresAt: null,
      commitment: null,
    };
    jobs.set(job.id, job);
    return job;
  }

  function initAnswer(job: Job, uploads: boolean): Answer {
    if (!uploads) return { status: 200, json: { job_id: job.id } };
    return {
      status: 200,
      json: {
        job_id: job.id,
        upload_url: `${baseUrl}/_storage/uploads/${job.id}?X-Amz-Signature=fake`,
        upload_expires_at: iso(job.uploadExpiresAt as number),
      },
    };
  }

  async function prepare(job: Job | undefined): Promise<Answer> {
    if (!job || job.confirmed) return error(404, 'registration.upload_session_not_found');
    if (!job.bytes || job.bytes.length === 0) return error(422, 'registration.audio_empty');
    job.prepared = true;
    job.quoteExpiresAt = clock.now() + 5 * 60_000;
    const commitment = await computeCommitment(
      { title: job.title, creators: job.creators as never },
      job.bytes,
    );
    const keepFile = job.kind === 'version' && job.uploadExpiresAt === null;
    const fees =
      job.kind === 'register'
        ? quoteFees({ operation: 'register', network: job.network, sizeBytes: job.bytes.length })
        : keepFile
          ? quoteFees({ operation: 'update', network: job.network, keepFile: true })
          : quoteFees({ operation: 'update', network: job.network, sizeBytes: job.bytes.length });
    const total = fees.total_price_credits + (settings.brokenTotals ? 1 : 0);
    job.commitment = `0x${commitment.commitment}`;
    return {
      status: 200,
      json: {
        job_id: job.id,
        work_id: job.work?.workId ?? job.id,
        commitment: settings.commitmentOverride ?? `0x${commitment.commitment}`,
        ...fees,
        total_price_credits: total,
        is_valid: true,
        expires_at: iso(job.quoteExpiresAt),
        size_bytes: job.bytes.length,
        media_hash: `0x${commitment.mediaHash}`,
        merkle_root: `0x${commitment.merkleRoot}`,
        protocol_version: 1,
      },
    };
  }

  function confirm(job: Job | undefined): Answer {
    if (!job || job.confirmed || !job.prepared || (job.quoteExpiresAt ?? 0) <= clock.now()) {
      return error(404, 'registration.prepared_not_found');
    }
    job.confirmed = true;
    const type = job.kind === 'register' ? 'register' : 'add_version';
    const tx = createTransaction(type, job.network, job);
    return {
      status: 202,
      json: {
        transaction_id: tx.id,
        ws_url: `/v1/ws/transactions/${tx.id}`,
        status_url: `/v1/transactions/${tx.id}`,
        ...(type === 'add_version' ? { transaction_type: 'add_version' } : {}),
      },
    };
  }

  // ---- Routing -------------------------------------------------------------------------------

  const WORKS = '(?:/v1/works|/v1/organizations/[^/]+/works)';
  const REGISTER = new RegExp(`^${WORKS}/(init|prepare|confirm)$`);
  const VERSION = new RegExp(`^${WORKS}/(\\d+)/versions/(init|init-upload|prepare|confirm)$`);
  const ACCESS = /^\/v1\/access\/([^/]+)\/versions\/(init|init-upload|prepare|confirm)$/;
  const LISTING = new RegExp(`^${WORKS}$`);
  const VERSIONS = new RegExp(`^${WORKS}/(\\d+)/versions$`);
  const ACCESS_VERSIONS = /^\/v1\/access\/([^/]+)\/versions$/;

  async function route(request: RecordedRequest, raw: Buffer): Promise<Answer> {
    const { method, path } = request;
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (method === 'PUT' && path.startsWith('/_storage/uploads/')) {
      const job = jobs.get(path.slice('/_storage/uploads/'.length));
      if (!job) return { status: 403, text: '<Error><Code>AccessDenied</Code></Error>' };
      if (settings.expireUploads > 0 || (job.uploadExpiresAt ?? 0) <= clock.now()) {
        settings.expireUploads = Math.max(0, settings.expireUploads - 1);
        return {
          status: 403,
          text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        };
      }
      if (job.prepared) return { status: 403, text: '<Error><Code>AccessDenied</Code></Error>' };
      job.bytes = raw;
      return { status: 200, headers: { etag: '"fake"' } };
    }
    if (method === 'GET' && path === '/v1/stats') {
      return {
        status: 200,
        json: { total_works: works.size, max_audio_size_bytes: settings.maxAudioSizeBytes },
      };
    }
    const txMatch = /^\/v1\/transactions\/([^/]+?)(?:\/status)?$/.exec(path);
    if (method === 'GET' && txMatch) {
      const tx = transactions.get(txMatch[1]!);
      if (!tx) return error(404, 'transaction.not_found');
      const answer = { status: 200, json: statusOf(tx) };
      // Each poll moves the transaction one step on: deterministic and quick.
      advance(tx);
      return answer;
    }
    if (method === 'GET') {
      const read = readWorks(path, request.query);
      if (read) return read;
    }
    if (method !== 'POST') return error(404, 'common.not_found');

    const register = REGISTER.exec(path);
    const version = VERSION.exec(path);
    const access = ACCESS.exec(path);
    const action = register?.[1] ?? version?.[2] ?? access?.[2];
    if (!action) return error(404, 'common.not_found');

    if (action === 'init' || action === 'init-upload') {
      const key = request.headers['idempotency-key'];
      if (typeof key === 'string') {
        const stored = idempotency.get(key);
        if (stored) {
          return stored.route === path
            ? { ...stored.answer, headers: { 'idempotent-replayed': 'true' } }
            : error(409, 'common.idempotency_conflict');
        }
      }
      const answer = initJob(register !== null, version, access, action, body);
      if (typeof key === 'string' && answer.status < 500)
        idempotency.set(key, { route: path, answer });
      return answer;
    }
    const job = jobs.get(String(body.job_id));
    return action === 'prepare' ? prepare(job) : confirm(job);
  }

  /**
   * The reads a lost confirm is looked up with. Each one moves every pending transaction one
   * step on, as the chain would while the client looks (so a consumed job ends up listed).
   */
  function readWorks(path: string, query: URLSearchParams): Answer | null {
    const listing = LISTING.exec(path);
    const versions = VERSIONS.exec(path);
    const accessVersions = ACCESS_VERSIONS.exec(path);
    if (!listing && !versions && !accessVersions) return null;
    for (const tx of transactions.values()) advance(tx);
    if (listing) {
      const network = query.get('network');
      const all = [...works.values()]
        .filter((work) => !network || work.network === network)
        .reverse();
      const first = Number(query.get('first') ?? 20);
      const offset = Number(query.get('after') ?? 0);
      const page = all.slice(offset, offset + first);
      const end = offset + page.length;
      return {
        status: 200,
        json: {
          works: page.map(summaryOf),
          page_info: {
            has_next_page: end < all.length,
            has_previous_page: offset > 0,
            start_cursor: page.length > 0 ? String(offset) : null,
            end_cursor: page.length > 0 ? String(end) : null,
          },
          total_count: all.length,
        },
      };
    }
    const work = versions
      ? works.get(`${query.get('network')}:${versions[1]}`)
      : [...works.values()].find((w) => w.accessCode === accessVersions?.[1]);
    if (!work) return error(404, 'work.not_found');
    return {
      status: 200,
      json: {
        ats_id: work.atsId,
        network: work.network,
        work_id: work.workId,
        versions: work.history.map((entry) => ({
          version: entry.version,
          commitment: entry.commitment,
          media_hash: hex(`media:${entry.transactionId}`),
          merkle_root: hex(`root:${entry.transactionId}`),
          asset_filename: 'file.wav',
          registered_at_block: 1,
          registered_at: iso(entry.at),
          block_hash: hex(`block:${entry.transactionId}`),
          tx_hash: hex(`tx:${entry.transactionId}`),
          transaction_id: entry.transactionId,
          fee_credits: 0,
          storage_fee_credits: 0,
        })),
      },
    };
  }

  function summaryOf(work: Work): Record<string, unknown> {
    const latest = work.history[work.history.length - 1];
    return {
      id: work.workId,
      ats_id: work.atsId,
      owner: 'owner',
      title: work.title,
      asset_filename: 'file.wav',
      latest_version: work.versions,
      latest_commitment: latest?.commitment ?? hex('none'),
      created_at: iso(work.history[0]?.at ?? 0),
      latest_version_at: iso(latest?.at ?? 0),
      has_files: true,
      network: work.network,
      external_user_ref: work.externalUserRef,
    };
  }

  function initJob(
    isRegister: boolean,
    version: RegExpExecArray | null,
    access: RegExpExecArray | null,
    action: string,
    body: Record<string, unknown>,
  ): Answer {
    const uploads = isRegister || action === 'init-upload';
    const uploadExpiresAt = uploads ? clock.now() + 10 * 60_000 : null;
    if (isRegister) {
      const job = newJob({
        kind: 'register',
        network: body.network as Network,
        title: String(body.title),
        creators: body.creators as unknown[],
        externalUserRef: (body.external_user_ref as string | undefined) ?? null,
        work: null,
        bytes: null,
        uploadExpiresAt,
      });
      return initAnswer(job, true);
    }
    let work: Work | undefined;
    if (version) work = works.get(`${body.network}:${version[1]}`);
    else if (access) work = [...works.values()].find((w) => w.accessCode === access[1]);
    if (!work) return error(404, access ? 'access_code.not_found' : 'work.not_found');
    if (access && body.network && body.network !== work.network) {
      return error(422, 'common.validation_failed');
    }
    const job = newJob({
      kind: 'version',
      network: work.network,
      title: work.title,
      creators: body.creators as unknown[],
      externalUserRef: work.externalUserRef,
      work,
      bytes: uploads ? null : work.bytes,
      uploadExpiresAt,
    });
    return initAnswer(job, uploads);
  }

  function matchInterceptor(request: RecordedRequest): Interceptor | undefined {
    const found = interceptors.find(
      (entry) => entry.method === request.method && entry.pattern.test(request.path),
    );
    if (!found) return undefined;
    found.times -= 1;
    if (found.times <= 0) interceptors.splice(interceptors.indexOf(found), 1);
    return found.interceptor;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    if (req.method === 'PUT') body = { bytes: raw.length };
    else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(request);
    const proceed = () => route(request, raw);
    const interceptor = matchInterceptor(request);
    const outcome = interceptor ? await interceptor(request, proceed) : await proceed();
    if (outcome === 'hang') return;
    if (outcome === 'drop') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    const headers: Record<string, string> = { 'x-request-id': 'req_fake', ...outcome.headers };
    if (outcome.json !== undefined) {
      res.writeHead(outcome.status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(outcome.json));
    } else {
      res.writeHead(outcome.status, {
        ...(outcome.text ? { 'content-type': 'application/xml' } : {}),
        ...headers,
      });
      res.end(outcome.text ?? '');
    }
  }

  // ---- WebSocket -----------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({
      method: 'WS',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
    });
    const match = /^\/v1\/ws\/transactions\/([^/]+)$/.exec(url.pathname);
    if (settings.wsMode === 'refuse' || !match) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket & { closeInitiatedByServer?: boolean }) => {
      sockets.opened += 1;
      ws.on('close', () => {
        if (!ws.closeInitiatedByServer) sockets.closedByClient += 1;
      });
      void playSocket(ws, match[1]!);
    });
  }

  async function playSocket(ws: WebSocket & { closeInitiatedByServer?: boolean }, id: string) {
    const tx = transactions.get(id);
    const send = (frame: unknown) =>
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    if (!tx) {
      send({ type: 'not_found', transaction_id: id });
      ws.closeInitiatedByServer = true;
      ws.close(4404);
      return;
    }
    const mode = settings.wsMode;
    if (mode === 'silent') return;
    send({ type: 'connected', transaction_id: id });
    if (mode === 'error') {
      send({
        type: 'error',
        error: { code: 'common.internal_error', message: 'boom', request_id: 'req_fake' },
      });
      ws.closeInitiatedByServer = true;
      ws.close(1011);
      return;
    }
    if (mode === 'garbage') {
      send('this is not json');
      send({ type: 'mystery', payload: 1 });
      send({ type: 'update', step: 'signing' });
    }
    for (;;) {
      await tick();
      if (ws.readyState !== ws.OPEN) return;
      const current = stepOf(tx);
      const terminal = tx.index >= STEPS.length;
      send({
        type: 'update',
        ...current,
        timestamp: iso(clock.now()),
        ...(terminal && mode !== 'no-details' ? { details: tx.result } : {}),
      });
      if (mode === 'drop') {
        ws.terminate();
        return;
      }
      if (terminal) {
        ws.closeInitiatedByServer = true;
        ws.close(1000);
        return;
      }
      advance(tx);
    }
  }

  // ---- Server --------------------------------------------------------------------------------

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((cause: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'common.internal_error', message: String(cause) } }),
        );
      }
    });
  });
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    requests,
    settings,
    sockets,
    seen: (method, pattern) => requests.filter((r) => r.method === method && pattern.test(r.path)),
    intercept: (method, pattern, interceptor, times = 1) => {
      interceptors.push({ method, pattern, interceptor, times });
    },
    hold(method, pattern) {
      let arrive: () => void = () => {};
      let release: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      interceptors.push({
        method,
        pattern,
        times: 1,
        interceptor: async (_request, proceed) => {
          arrive();
          await gate;
          return proceed();
        },
      });
      return { arrived, release };
    },
    seedWork({ network, atsId, title, bytes }) {
      const work: Work = {
        network,
        atsId,
        workId: randomUUID(),
        title,
        bytes: bytes ?? Buffer.from('the first version of the file'),
        accessCode: `atc_${createHash('sha256').update(`${network}:${atsId}`).digest('hex')}`,
        externalUserRef: null,
        versions: 1,
        history: [
          {
            version: 1,
            commitment: hex(`seeded:${network}:${atsId}`),
            transactionId: randomUUID(),
            at: clock.now(),
          },
        ],
      };
      works.set(`${network}:${atsId}`, work);
      atsIds[network] = Math.max(atsIds[network], atsId);
      return work;
    },
    seedTransaction(network) {
      return createTransaction('register', network, null).id;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
