// Public types of the registration engine: what it is asked to do, what it shows, what it emits.
import type { FileSizeLimitSource } from '../errors';
import type { QuoteExplanation } from '../fees';
import type { Network } from '../networks';
import type {
  CreatorInput,
  PrepareVersionResponse,
  PrepareWorkResponse,
  TransactionStep,
  TransactionType,
} from '../schemas';
import type { AuthOption, SleepFunction, Transport } from '../transport';
import type { UploadProgress, UploadSource } from '../upload';
import type { CommitmentPart, QuoteDeclineReason } from './errors';

// ---------------------------------------------------------------------------------------------
// What the engine is asked to do

/** Register a new work: init → upload → prepare → approval → confirm → tracking (api.md §5). */
export interface RegisterRequest {
  operation: 'register';
  network: Network;
  /** Trimmed before sending and hashing (the server hashes what it stores). */
  title: string;
  /** The name users will see; no folders. */
  filename: string;
  /** 1–32 creators, `roles` as the wire object or an array of role names; trimmed before use. */
  creators: readonly CreatorInput[];
  externalUserRef?: string | null | undefined;
  /** The file: a path or `file:` URL (Node), bytes, a `Blob`/`File`, or `{ stream, size }`. */
  media: UploadSource;
  /** `Content-Type` of the upload. */
  contentType?: string | undefined;
  /**
   * `Idempotency-Key` of the first init, to make a re-run of the same registration (after a crash)
   * reuse its job. Restarts always use fresh keys. Default: a new UUID.
   */
  idempotencyKey?: string | undefined;
}

/** Where a version goes: a work by `ats_id` (API key or referenced session) or an access code. */
export type VersionTarget =
  | { atsId: number; accessCode?: undefined }
  | { accessCode: string; atsId?: undefined };

/**
 * Add a version to a work (api.md §6, §9): with `media`, `versions/init-upload` then the upload;
 * without, `versions/init` (the current file is kept).
 */
export type UpdateVersionRequest = VersionTarget & {
  operation: 'updateVersion';
  /** The work's network (access-code routes check that it is the work's). */
  network: Network;
  creators: readonly CreatorInput[];
  externalUserRef?: string | null | undefined;
  media?: UploadSource | undefined;
  /** Required with `media`. */
  filename?: string | undefined;
  contentType?: string | undefined;
  /**
   * The work's title (it never changes), only used to check the whole commitment locally. Without
   * it only the media hash and the creators' Merkle root are compared, when the server sends them.
   */
  title?: string | undefined;
  idempotencyKey?: string | undefined;
};

/**
 * Continue a job started earlier (another process, a page reload): `stage: 'prepare'` when the
 * file is uploaded (or kept), `stage: 'confirm'` when the quote was already approved. A job
 * found gone is never re-created here, since it may have been confirmed already.
 */
export type ResumeRequest = (VersionTarget | { atsId?: undefined; accessCode?: undefined }) & {
  operation: 'resume';
  jobId: string;
  stage: 'prepare' | 'confirm';
  network: Network;
  /** For the commitment check only (as in `UpdateVersionRequest`). */
  title?: string | undefined;
  creators?: readonly CreatorInput[] | undefined;
  /** For the commitment check only: bytes, a Blob, a web stream or an async iterable. */
  media?: UploadSource | undefined;
  /**
   * The quote's `work_id`, when it was kept: how the work is recognised in the listing if the job
   * turns out to be confirmed already. Default: the job id (the sandbox's choice, a hint only).
   */
  workId?: string | undefined;
  /**
   * The caller knows no confirm was ever sent for this job (it journals each confirm before
   * sending it): a job found gone then only expired, and the run fails with the server's `404`
   * so the caller can start a new job, instead of searching the listing for a registration.
   */
  confirmNeverSent?: boolean | undefined;
};

/** Follow a transaction already confirmed, until it completes or fails. */
export interface TrackRequest {
  operation: 'track';
  transactionId: string;
  network?: Network | undefined;
}

/** Anything the engine can run. */
export type RegistrationRequest =
  | RegisterRequest
  | UpdateVersionRequest
  | ResumeRequest
  | TrackRequest;

/** The `operation` names. */
export type RegistrationOperation = RegistrationRequest['operation'];

/** A request without its `operation` tag, as the named methods take it. */
export type WithoutOperation<T> = T extends unknown ? Omit<T, 'operation'> : never;

// ---------------------------------------------------------------------------------------------
// What the engine shows

/** A prepare answer: the quote of a registration or of a version. */
export type PreparedQuote = PrepareWorkResponse | PrepareVersionResponse;

/** The states that do work. */
export type ActiveStatusKind =
  | 'initializing'
  | 'uploading'
  | 'preparing'
  | 'awaiting-approval'
  | 'confirming'
  | 'tracking';

/** Every state name. */
export type StatusKind = 'idle' | ActiveStatusKind | 'completed' | 'failed' | 'aborted';

/** Why a run ended in `aborted`. */
export type AbortReason = 'aborted' | QuoteDeclineReason;

/** The engine's state, discriminated on `kind`. */
export type RegistrationStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'initializing' }
  | {
      readonly kind: 'uploading';
      readonly bytes: number;
      readonly total: number;
      /** Bytes per second, smoothed. */
      readonly rate: number;
    }
  | { readonly kind: 'preparing' }
  | {
      readonly kind: 'awaiting-approval';
      readonly quote: PreparedQuote;
      readonly explanation: QuoteExplanation;
    }
  | { readonly kind: 'confirming' }
  | {
      readonly kind: 'tracking';
      readonly step: TransactionStep | null;
      readonly progress: number;
      readonly description: string | null;
      readonly via: TrackingChannel;
    }
  | { readonly kind: 'completed'; readonly result: RegistrationResult }
  | { readonly kind: 'failed'; readonly error: Error; readonly at: ActiveStatusKind }
  | {
      readonly kind: 'aborted';
      readonly reason: AbortReason;
      readonly at: StatusKind;
      readonly confirmMayHaveSucceeded: boolean;
    };

/** How the transaction is being followed. */
export type TrackingChannel = 'websocket' | 'polling';

/** The transaction's current step, as the server reports it. */
export interface TrackingProgress {
  readonly step: TransactionStep;
  /** The server's percentage, 0–100. */
  readonly progress: number;
  readonly description: string;
  readonly via: TrackingChannel;
}

/** How a commitment compared with the server's (see `verifyCommitment`). */
export type CommitmentCheckStatus =
  /** Not checked (`verifyCommitment: 'off'`). */
  | 'off'
  /** Being computed. */
  | 'pending'
  /** The whole commitment was computed locally and equals the server's. */
  | 'match'
  /** Some parts were compared (media hash, Merkle root) and matched; the rest could not be. */
  | 'partial'
  /** Nothing could be compared (no media, no title, no server extras). */
  | 'unverified'
  | 'mismatch';

/** The local and server commitments and how they compared. Hashes are `0x` + lowercase hex. */
export interface CommitmentCheck {
  readonly mode: VerifyCommitmentMode;
  readonly status: CommitmentCheckStatus;
  readonly server: string | null;
  readonly local: string | null;
  readonly localMediaHash: string | null;
  readonly localMerkleRoot: string | null;
  readonly mismatched: readonly CommitmentPart[];
}

/** What a successful run ends with: the transaction's result (wire names, as the API sends them). */
export interface RegistrationResult {
  readonly transaction_id: string;
  /** The job that was confirmed (null when only tracking a transaction). */
  readonly job_id: string | null;
  readonly transaction_type: TransactionType | null;
  readonly network: Network | null;
  readonly ats_id: number | null;
  readonly tx_hash: string | null;
  readonly block_number: number | null;
  readonly block_hash: string | null;
  readonly explorer_url: string | null;
  /** Registrations without an `external_user_ref`; null otherwise. */
  readonly access_code: string | null;
  readonly work_id: string | null;
  /** The version number (1 for a registration); null when the server did not say. */
  readonly version: number | null;
}

/** Something worth telling a user or a log that does not stop the run. */
export interface RegistrationWarning {
  readonly code:
    | 'quote_does_not_add_up'
    | 'commitment_mismatch'
    | 'commitment_partially_verified'
    | 'commitment_unverified'
    | 'stats_unavailable'
    | 'job_restarted'
    | 'quote_lapsed'
    | 'tracking_fallback'
    | 'engine_busy'
    | 'confirm_answer_lost'
    | 'confirm_recovered'
    | (string & {});
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Everything a UI needs, immutable and referentially stable until something changes (fit for
 * React's `useSyncExternalStore`). Fields other than `status` keep their last value across states.
 */
export interface RegistrationSnapshot {
  readonly status: RegistrationStatus;
  readonly operation: RegistrationOperation | null;
  readonly network: Network | null;
  readonly jobId: string | null;
  /** The current upload URL's expiry (the URL itself, a credential, is not exposed). */
  readonly uploadExpiresAt: string | null;
  /** Last upload progress of the current job. */
  readonly upload: UploadProgress | null;
  readonly quote: PreparedQuote | null;
  readonly explanation: QuoteExplanation | null;
  readonly commitment: CommitmentCheck | null;
  readonly transactionId: string | null;
  readonly tracking: TrackingProgress | null;
  readonly result: RegistrationResult | null;
  readonly error: Error | null;
  /**
   * True when a confirm was sent and its answer not received (abort, lost answer): the
   * registration may exist. `jobId` says which job; never register it again blindly.
   */
  readonly confirmMayHaveSucceeded: boolean;
  /** How many times the job was started again from init (expired upload URL, lost job). */
  readonly restarts: number;
  readonly warnings: readonly RegistrationWarning[];
}

// ---------------------------------------------------------------------------------------------
// What the engine emits

/** Payloads of the engine's events (`engine.on(name, listener)`). */
export interface RegistrationEngineEvents {
  /** The status changed kind (not fired for each progress tick within a state). */
  state: {
    readonly status: RegistrationStatus;
    readonly previous: RegistrationStatus;
    readonly snapshot: RegistrationSnapshot;
  };
  /** Upload progress, throttled by the uploader (~20 a second at most). */
  progress: UploadProgress;
  /** Each prepare answer, with its explanation. */
  quote: { readonly quote: PreparedQuote; readonly explanation: QuoteExplanation };
  warning: RegistrationWarning;
  /** Confirm answered `202`. */
  confirmed: { readonly jobId: string; readonly transactionId: string };
  /** Each new step or progress of the transaction. */
  step: TrackingProgress;
  completed: RegistrationResult;
  failed: { readonly error: Error; readonly at: ActiveStatusKind };
  aborted: {
    readonly reason: AbortReason;
    readonly at: StatusKind;
    readonly confirmMayHaveSucceeded: boolean;
    readonly jobId: string | null;
    /** Set when the abort came after a confirm was accepted: the transaction goes on. */
    readonly transactionId: string | null;
  };
}

/** An event name. */
export type RegistrationEngineEventName = keyof RegistrationEngineEvents;

// ---------------------------------------------------------------------------------------------
// Options

/** `off`: no check; `warn`: a `warning` event on mismatch; `enforce`: fail before confirm. */
export type VerifyCommitmentMode = 'off' | 'warn' | 'enforce';

/** What the approval hook gets besides the quote. */
export interface ApprovalContext {
  readonly jobId: string;
  readonly network: Network;
  readonly operation: RegistrationOperation;
  /** Fires when the run is aborted: stop prompting. */
  readonly signal: AbortSignal;
}

/**
 * Decides whether to pay a quote. `true` confirms; `false` ends the run in `aborted` with
 * reason `declined`, nothing confirmed.
 */
export type ApproveQuote = (
  quote: PreparedQuote,
  explanation: QuoteExplanation,
  context: ApprovalContext,
) => boolean | Promise<boolean>;

/** The socket of a WebSocket implementation, as far as the engine uses it. */
export interface WebSocketLike {
  onopen: ((event: never) => unknown) | null;
  onmessage: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
  onclose: ((event: never) => unknown) | null;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: the browser's `WebSocket`, or in Node 20 the `ws` package's
 * (`import WebSocket from 'ws'`).
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Timer functions, injectable for tests. */
export interface EngineTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What `beforeConfirm` is told. */
export interface ConfirmContext {
  readonly jobId: string;
  readonly network: Network;
  readonly operation: RegistrationOperation;
  /** The quote being paid; null when resuming at confirm (it was approved earlier). */
  readonly quote: PreparedQuote | null;
}

/** Polling of the status route (api.md §7.1: every 2 s, backing off after 30 s). */
export interface PollingOptions {
  /** Default 2 000 ms. */
  intervalMs?: number;
  /** Polling time after which the interval doubles at each poll. Default 30 000 ms. */
  backoffAfterMs?: number;
  /** Longest interval. Default 10 000 ms. */
  maxIntervalMs?: number;
}

/** Options of `createRegistrationEngine`. */
export interface RegistrationEngineOptions {
  /** An existing transport (its `baseUrl` is the API base). Or give `baseUrl` and `auth`. */
  transport?: Transport | undefined;
  /** API base, e.g. `https://ats.api.allfeat.org` (a path prefix is kept). */
  baseUrl?: string | URL | undefined;
  /** Credentials when the engine makes its own transport. */
  auth?: AuthOption | undefined;
  /** A fetch implementation for the engine's own transport. */
  fetch?: typeof fetch | undefined;
  /**
   * Use the legacy route family `/v1/organizations/{org}/works/...` (api.md §1). Transactions,
   * access-code and stats routes have no legacy form.
   */
  organizationId?: string | undefined;
  /** A lower file-size limit (a key's or session's `max_file_size_bytes`). */
  maxFileSizeBytes?: number | undefined;
  /** Where `maxFileSizeBytes` comes from, for the error message. Default `api_key`. */
  maxFileSizeSource?: FileSizeLimitSource | undefined;
  /** Ask `GET /v1/stats` for the caller's effective limit before uploading. Default false. */
  fetchStats?: boolean | undefined;
  /** Approval hook. Default: approve every quote (within `maxPriceCredits`). */
  approve?: ApproveQuote | undefined;
  /**
   * Refuse, without calling `approve`, a quote whose debit (what confirm takes:
   * `explainQuote(quote).debitCredits`, the total on mainnet, the storage fee on testnet) is above
   * this.
   */
  maxPriceCredits?: number | undefined;
  /** Default: `enforce` when the engine has the media, `off` otherwise. */
  verifyCommitment?: VerifyCommitmentMode | undefined;
  /**
   * Awaited before each confirm request is sent, e.g. to record durably that this job may be
   * confirmed from now on (a batch journal). A rejection ends the run before anything is sent.
   */
  beforeConfirm?: ((context: ConfirmContext) => void | Promise<void>) | undefined;
  /**
   * How long to look for the registration in the works listing when a confirm's answer was lost
   * and the job turned out consumed (the work is listed from finality on). Default 60 000 ms.
   */
  confirmLookupTimeoutMs?: number | undefined;
  /** Starts from init again at most this many times per run. Default 2. */
  maxRestarts?: number | undefined;
  /** Prepares again at most this many times per run after a lapsed quote. Default 3. */
  maxRequotes?: number | undefined;
  /** A quote that ends within this margin is treated as lapsed. Default 5 000 ms. */
  quoteExpiryMarginMs?: number | undefined;
  /**
   * Awaited before a restart from init (expired upload URL, job lost), e.g. for a widget to get a
   * fresh session token when the current one is bound to the old job.
   */
  beforeRestart?:
    | ((info: {
        reason: 'upload_expired' | 'job_not_found';
        restart: number;
      }) => void | Promise<void>)
    | undefined;
  /**
   * WebSocket implementation for tracking. Default `globalThis.WebSocket` (browsers, Node ≥ 22);
   * Node 20 has none: pass the `ws` package's. `null` polls only.
   */
  webSocket?: WebSocketConstructor | null | undefined;
  /** Socket silence after which tracking switches to polling. Default 60 000 ms. */
  socketIdleTimeoutMs?: number | undefined;
  polling?: PollingOptions | undefined;
  /**
   * Give up tracking after this long (`tracking_timeout`, checked while polling); the transaction
   * goes on, follow it again with `track()`. Default: no limit.
   */
  trackingTimeoutMs?: number | undefined;
  /** Upload settings passed to `uploadToPresignedUrl`. */
  upload?: { maxRetries?: number; stallTimeoutMs?: number } | undefined;
  /** Aborts the current run (and any later one) when it fires. */
  signal?: AbortSignal | undefined;
  /** Waits (polling, backoff); inject for tests. */
  sleep?: SleepFunction | undefined;
  /** Timers (socket idle watchdog); inject for tests. */
  timers?: EngineTimers | undefined;
  /** Clock for expiries; inject for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Jitter source for retries; inject for tests. */
  random?: (() => number) | undefined;
}
