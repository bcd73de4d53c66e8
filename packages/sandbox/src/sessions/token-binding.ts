// Single-use write tokens (api.md §3.3): a `register` or `update_version` token binds to the first
// job it initializes; prepare, confirm and downloads of that job accept it until `exp`. A fresh
// token presented first at prepare, confirm or a download of a matching job binds there, so the
// widget can resume after a page refresh.
import type { Database } from 'better-sqlite3';

/** Which kind of route a session token is presented to. */
export type TokenBindingRoute = 'init' | 'prepare' | 'confirm' | 'download' | 'read';

/** Input of `decideTokenBinding`. */
export interface TokenBindingQuestion {
  /** The token's `jti` claim. */
  tokenJti: string;
  /** The token's `action_type`; `access` tokens never bind. Default: a write token. */
  actionType?: 'register' | 'update_version' | 'access';
  /** The job the token is bound to already (`null` when fresh). */
  boundJobId: string | null;
  /**
   * The job of the request: the new job at init, the body's `job_id` at prepare and confirm, the
   * job that produced the work at a download.
   */
  requestJobId: string | null;
  route: TokenBindingRoute;
  /**
   * Whether that job was started by the same organization, site and action as the token, the
   * condition for a fresh token to bind to an existing job. Default `true`.
   */
  jobMatchesToken?: boolean;
}

/** What the spine does with the request. */
export type TokenBindingDecision =
  | { kind: 'allow' }
  | { kind: 'bind'; jti: string; jobId: string | null }
  | {
      kind: 'deny';
      status: 401 | 403;
      code: string;
      message: string;
      details?: Record<string, unknown>;
    };

/**
 * Decides whether a session token may act on a job, and whether that act binds it (§3.3). Reads
 * and `access` tokens always pass without binding. At init a fresh token binds to the new job
 * (`jobId` may be `null` there: the spine binds once the job exists); a bound one is `401
 * session.invalid_token` with `reason: "token_consumed"`. At prepare, confirm and downloads the
 * bound job passes, a fresh token binds to a matching job, and anything else is refused: `403
 * registration.upload_session_forbidden` (prepare), `403 registration.prepared_forbidden`
 * (confirm), `403 session.scope_denied` (download). Pure: storing the binding is the caller's job.
 *
 * @example
 * const decision = decideTokenBinding({ tokenJti: claims.jti, boundJobId: bindings.get(claims.jti),
 *   requestJobId: body.job_id, route: 'prepare', jobMatchesToken: job.siteId === site.id });
 * if (decision.kind === 'deny') return fail(decision);
 * if (decision.kind === 'bind') bindings.bind({ jti: decision.jti, jobId: job.id, expiresAt });
 */
export function decideTokenBinding(question: TokenBindingQuestion): TokenBindingDecision {
  const { tokenJti, boundJobId, requestJobId, route } = question;
  if (route === 'read' || question.actionType === 'access') return { kind: 'allow' };

  if (route === 'init') {
    if (boundJobId === null) return { kind: 'bind', jti: tokenJti, jobId: requestJobId };
    return {
      kind: 'deny',
      status: 401,
      code: 'session.invalid_token',
      message:
        'This write token already started another job; request a new session token for a new registration.',
      details: { reason: 'token_consumed' },
    };
  }

  if (boundJobId !== null && boundJobId === requestJobId) return { kind: 'allow' };
  if (boundJobId === null && requestJobId !== null && question.jobMatchesToken !== false) {
    return { kind: 'bind', jti: tokenJti, jobId: requestJobId };
  }
  switch (route) {
    case 'prepare':
      return {
        kind: 'deny',
        status: 403,
        code: 'registration.upload_session_forbidden',
        message: 'This job belongs to another credential or session token.',
      };
    case 'confirm':
      return {
        kind: 'deny',
        status: 403,
        code: 'registration.prepared_forbidden',
        message: 'This job belongs to another credential or session token.',
      };
    default:
      return {
        kind: 'deny',
        status: 403,
        code: 'session.scope_denied',
        message: 'This session token is bound to another job and cannot read this work.',
        details: { claim: 'job_id', expected: boundJobId, actual: requestJobId },
      };
  }
}

/** Tables owned by the sessions module (for the spine's reset). */
export const SESSION_TABLES = ['session_token_bindings'] as const;

/**
 * Creates the sessions tables if missing: `session_token_bindings (jti PRIMARY KEY, job_id,
 * bound_at, expires_at)`, times in virtual epoch ms. Idempotent.
 *
 * @example
 * migrateSessions(db);
 */
export function migrateSessions(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS session_token_bindings (
      jti TEXT PRIMARY KEY,
      job_id TEXT NOT NULL,
      bound_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS session_token_bindings_expiry
      ON session_token_bindings (expires_at);
  `);
}

/**
 * Stores token bindings in `session_token_bindings`. Calls are synchronous, so the spine can read,
 * decide and bind inside the transaction that creates or touches the job: two concurrent inits
 * with one token cannot both bind.
 *
 * @example
 * const bindings = new TokenBindingStore(db);
 * db.transaction(() => {
 *   const decision = decideTokenBinding({ tokenJti, boundJobId: bindings.get(tokenJti), … });
 *   …
 * })();
 */
export class TokenBindingStore {
  readonly #select;
  readonly #insert;
  readonly #purge;
  readonly #earliestExpiry;
  readonly #clear;

  constructor(db: Database) {
    migrateSessions(db);
    this.#select = db.prepare<[string], { job_id: string }>(
      'SELECT job_id FROM session_token_bindings WHERE jti = ?',
    );
    this.#insert = db.prepare(
      `INSERT INTO session_token_bindings (jti, job_id, bound_at, expires_at)
       VALUES (@jti, @jobId, @now, @expiresAt) ON CONFLICT (jti) DO NOTHING`,
    );
    this.#purge = db.prepare('DELETE FROM session_token_bindings WHERE expires_at <= ?');
    this.#earliestExpiry = db.prepare<[], { at: number | null }>(
      'SELECT MIN(expires_at) AS at FROM session_token_bindings',
    );
    this.#clear = db.prepare('DELETE FROM session_token_bindings');
  }

  /** The job a token is bound to, or `null` when it is fresh. */
  get(jti: string): string | null {
    return this.#select.get(jti)?.job_id ?? null;
  }

  /**
   * Binds a token to a job unless it is bound already, and returns the job it is bound to after
   * the call (the existing one when it was). `expiresAt` is the token's `exp` in epoch ms.
   */
  bind(binding: { jti: string; jobId: string; now: number; expiresAt: number }): string {
    this.#insert.run(binding);
    return this.get(binding.jti) ?? binding.jobId;
  }

  /** Forgets bindings of tokens that have expired (they can no longer be presented). */
  purgeExpired(now: number): number {
    return this.#purge.run(now).changes;
  }

  /** The earliest `expiresAt` of a stored binding (epoch ms), or null when there is none. */
  earliestExpiry(): number | null {
    return this.#earliestExpiry.get()?.at ?? null;
  }

  /** Removes every binding (sandbox reset). */
  clear(): void {
    this.#clear.run();
  }
}
