import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FeeSchedule, Network } from '@ats-kit/core';
import { createAdaptorServer } from '@hono/node-server';
import packageJson from '../package.json';
import { type DemoFixtures, SandboxAdminClient } from './admin-client';
import { Chain } from './chain/chain';
import { Scheduler } from './clock/scheduler';
import { VirtualClock } from './clock/virtual-clock';
import type { SandboxContext, SandboxSecrets } from './context';
import { type Database, openDatabase, readMeta, writeMeta } from './db/database';
import { ensureDemoFixtures } from './demo/demo-fixtures';
import { FaultStore, type FaultsChange } from './faults/faults';
import { ExpiredRecordsPurge } from './housekeeping/expired-records-purge';
import { createApp } from './http/app';
import { type SandboxLogger, silentLogger } from './logging/logger';
import { registerAccessRoutes } from './routes/access';
import { registerAdminRoutes } from './routes/admin';
import { registerDownloadRoutes } from './routes/downloads';
import { registerReadRoutes } from './routes/reads';
import { registerSessionRoutes } from './routes/sessions';
import { registerStatsRoutes } from './routes/stats';
import { registerTransactionRoutes } from './routes/transactions';
import { registerVersionRoutes } from './routes/versions';
import { registerWorkRegistrationRoutes } from './routes/works-register';
import { createSessionService, TokenBindingStore } from './sessions';
import { defaultSettings, SettingsStore } from './settings/settings';
import { ObjectStore } from './storage/object-store';
import { registerStorageRoutes } from './storage/storage-routes';
import { TransactionEvents } from './transactions/transaction-events';
import { attachTransactionSockets } from './transactions/transaction-socket';
import { TransactionLifecycle } from './transactions/transactions';
import { type WebhookFetch, WebhookOutbox } from './webhooks';

/** Options of `startSandbox`. */
export interface StartSandboxOptions {
  /** TCP port; `0` picks a free one. Default 4010. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Where state is kept. Default `.ats-sandbox/` under the working directory. */
  dataDir?: string;
  /** Keep the database in memory (files still go to a temp directory). */
  memory?: boolean;
  /** Virtual time speed: 10 runs ten times faster than the wall clock. Default 1. */
  timeScale?: number;
  /** Start with the clock paused (it then moves only through `advance`). */
  paused?: boolean;
  /** Block interval: one value for both networks, or per network. Defaults 12 000 / 6 000. */
  blockTimeMs?: number | Partial<Record<Network, number>>;
  /** Fee schedule (`fees.md` as data). */
  fees?: FeeSchedule;
  /** Initial fault injection (`/_sandbox/faults` fields). */
  faults?: FaultsChange;
  /** Seed of every fault draw. */
  seed?: number;
  /** When set, `/_sandbox/*` requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Receives the request log lines. Default: silent. */
  logger?: SandboxLogger;
  /** The `fetch` webhook deliveries use (tests). */
  webhookFetch?: WebhookFetch;
  /**
   * Creates (or finds again) the demo organization, API key and widget site with fixed tokens;
   * they are returned as `demo`. Used by the CLI.
   */
  seedDemo?: boolean | { webhookUrl?: string };
}

/** A running sandbox. */
export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  /** Typed client of `/_sandbox/*`. */
  admin: SandboxAdminClient;
  /** The demo fixtures, with `seedDemo`. */
  demo: DemoFixtures | null;
  /** Stops the server, timers and sockets, and closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the ATS sandbox: a local emulator of the ATS HTTP and WebSocket API (api.md), with a
 * virtual clock, simulated chains, a fake object store and `/_sandbox/*` administration. State
 * lives in SQLite under `dataDir` (or in memory); a restart resumes in-flight transactions,
 * webhook deliveries and virtual time.
 *
 * @example
 * const sandbox = await startSandbox({ memory: true, port: 0, paused: true });
 * const demo = await sandbox.admin.seedDemo();
 * await sandbox.admin.advanceClock(30_000);
 * await sandbox.close();
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const memory = options.memory === true;
  const dataDir = resolve(options.dataDir ?? join(process.cwd(), '.ats-sandbox'));
  const db = openDatabase(memory ? { memory: true } : { dataDir });
  const log = options.logger ?? silentLogger;
  const secrets = loadSecrets(db);
  const clock = new VirtualClock({ db, timeScale: options.timeScale, paused: options.paused });
  const settings = new SettingsStore(db, defaultSettings({ fees: options.fees }));
  const faults = new FaultStore(db, options.faults ?? {}, options.seed);
  const storage = memory ? ObjectStore.temporary() : ObjectStore.onDisk(dataDir);
  const blockTimes = blockTimesOf(options.blockTimeMs);
  const chain = new Chain(db, blockTimes, clock.now());
  for (const [network, ms] of Object.entries(blockTimes) as [Network, number][]) {
    if (chain.blockTimes()[network] !== ms) chain.setBlockTime(network, ms, clock.now());
  }
  const events = new TransactionEvents();

  // Parts that need the context are created right after it; the object is complete before use.
  const ctx = {
    db,
    clock,
    settings,
    faults,
    storage,
    chain,
    events,
    log,
    secrets,
    version: packageJson.version,
    adminToken: options.adminToken ?? null,
    startValues: {
      blockTimes,
      timeScale: options.timeScale ?? 1,
      paused: options.paused ?? false,
    },
  } as unknown as { -readonly [K in keyof SandboxContext]: SandboxContext[K] };
  ctx.transactions = new TransactionLifecycle(ctx);
  chain.setListener(ctx.transactions);
  ctx.webhooks = new WebhookOutbox({
    db,
    clock,
    ...(options.webhookFetch ? { fetch: options.webhookFetch } : {}),
    log,
    onScheduleChange: () => ctx.scheduler?.poke(),
  });
  ctx.sessions = createSessionService({
    secret: secrets.sessionKey,
    clock,
    feeSchedule: () => settings.current.fees,
  });
  ctx.tokenBindings = new TokenBindingStore(db);
  const webhooks = ctx.webhooks;
  ctx.scheduler = new Scheduler(
    clock,
    [
      ctx.transactions,
      chain,
      new ExpiredRecordsPurge(db, ctx.tokenBindings),
      {
        name: 'webhooks',
        sync: false,
        nextDueAt: () => webhooks.nextDueAt(),
        runDue: () => webhooks.runDue(),
      },
    ],
    (error, source) =>
      log.error('scheduled work failed', {
        source,
        error: error instanceof Error ? error.message : String(error),
      }),
  );

  const { app } = createApp(ctx, [
    registerAdminRoutes,
    registerStorageRoutes,
    registerWorkRegistrationRoutes,
    registerVersionRoutes,
    registerReadRoutes,
    registerDownloadRoutes,
    registerAccessRoutes,
    registerTransactionRoutes,
    registerStatsRoutes,
    registerSessionRoutes,
  ]);

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const closeSockets = attachTransactionSockets(ctx, server);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 4010, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    // e.g. the port is taken: release what was opened before reporting it.
    closeSockets();
    db.close();
    storage.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Resume what was due while the sandbox was down, then let the timers drive.
  ctx.scheduler.catchUp();
  ctx.scheduler.start();
  const demo = options.seedDemo
    ? ensureDemoFixtures(ctx, typeof options.seedDemo === 'object' ? options.seedDemo : {})
    : null;

  let closed = false;
  return {
    url,
    port,
    admin: new SandboxAdminClient(url, options.adminToken),
    demo,
    async close() {
      if (closed) return;
      closed = true;
      await ctx.scheduler.stop();
      webhooks.abortInFlight();
      closeSockets();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      db.close();
      storage.close();
    },
  };
}

function blockTimesOf(
  option: StartSandboxOptions['blockTimeMs'],
): Partial<Record<Network, number>> {
  if (option === undefined) return {};
  if (typeof option === 'number') return { testnet: option, mainnet: option };
  return option;
}

function loadSecrets(db: Database): SandboxSecrets {
  let stored = readMeta<{ storage: string; session: string }>(db, 'secrets');
  if (!stored) {
    stored = { storage: randomBytes(32).toString('hex'), session: randomBytes(32).toString('hex') };
    writeMeta(db, 'secrets', stored);
  }
  return {
    storageKey: Buffer.from(stored.storage, 'hex'),
    sessionKey: Buffer.from(stored.session, 'hex'),
  };
}
