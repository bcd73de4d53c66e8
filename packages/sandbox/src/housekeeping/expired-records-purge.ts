// Idempotency answers live 24 h (api.md §13) and token bindings until the token's `exp` (§3.3);
// past that nobody can use them, but nothing else removes them, so the scheduler does.
import type { ScheduledSource } from '../clock/scheduler';
import type { Database } from '../db/database';
import type { TokenBindingStore } from '../sessions';

/**
 * How long after its expiry a row is kept. A request checks expiry when it starts and writes a
 * little later; the margin keeps a row that request may still rely on (e.g. a token binding read
 * by a request authenticated just before `exp`) until it has finished.
 */
export const EXPIRED_RECORD_GRACE_MS = 60_000;

/**
 * A scheduler source that deletes expired idempotency rows and session token bindings, due one
 * grace period after the earliest expiry, so those tables stay as small as the live keys and
 * tokens. Synchronous (DB work only): it runs in the request path's `catchUp` and in `advance`.
 *
 * @example
 * const purge = new ExpiredRecordsPurge(db, tokenBindings);
 * const scheduler = new Scheduler(clock, [transactions, chain, purge, webhooks]);
 */
export class ExpiredRecordsPurge implements ScheduledSource {
  readonly name = 'expired-records';
  readonly sync = true;
  readonly #earliestIdempotencyExpiry;
  readonly #purgeIdempotency;

  constructor(
    db: Database,
    private readonly tokenBindings: TokenBindingStore,
  ) {
    this.#earliestIdempotencyExpiry = db.prepare<[], { at: number | null }>(
      'SELECT MIN(expires_at) AS at FROM idempotency_keys',
    );
    this.#purgeIdempotency = db.prepare<[number]>(
      'DELETE FROM idempotency_keys WHERE expires_at <= ?',
    );
  }

  nextDueAt(): number | null {
    const expiries = [
      this.#earliestIdempotencyExpiry.get()?.at ?? null,
      this.tokenBindings.earliestExpiry(),
    ].filter((at): at is number => at !== null);
    return expiries.length === 0 ? null : Math.min(...expiries) + EXPIRED_RECORD_GRACE_MS;
  }

  runDue(at: number): void {
    const cutoff = at - EXPIRED_RECORD_GRACE_MS;
    this.#purgeIdempotency.run(cutoff);
    this.tokenBindings.purgeExpired(cutoff);
  }
}
