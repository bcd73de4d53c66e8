import type { SandboxContext } from './context';

/** Tables the spine owns, children first. */
const SPINE_TABLES = [
  'work_versions',
  'works',
  'transactions',
  'jobs',
  'idempotency_keys',
  'api_keys',
  'sites',
  'organizations',
  'chain_state',
] as const;

/** Start values `resetSandbox` returns to. */
export interface ResetDefaults {
  blockTimes: { testnet?: number | undefined; mainnet?: number | undefined };
  timeScale: number;
  paused: boolean;
}

/**
 * `POST /_sandbox/reset` (api.md §17): removes all data (organizations, keys, sites, jobs,
 * transactions, works, files, webhook deliveries, token bindings, idempotency keys), restarts the
 * chains at height 0 from now, and puts settings, faults and the clock speed back to their start
 * values. Virtual time itself never goes back.
 *
 * @example
 * await resetSandbox(ctx);
 */
export async function resetSandbox(ctx: SandboxContext): Promise<void> {
  const values = ctx.startValues;
  ctx.webhooks.abortInFlight();
  ctx.db.transaction(() => {
    for (const table of SPINE_TABLES) ctx.db.prepare(`DELETE FROM ${table}`).run();
    ctx.webhooks.clear();
    ctx.tokenBindings.clear();
    ctx.settings.reset();
    ctx.faults.reset();
    ctx.clock.configure({ timeScale: values.timeScale, paused: values.paused });
    ctx.chain.initialize(values.blockTimes, ctx.clock.now());
  })();
  ctx.storage.clear();
  ctx.scheduler.poke();
}
