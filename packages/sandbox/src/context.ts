import type { Chain } from './chain/chain';
import type { Scheduler } from './clock/scheduler';
import type { VirtualClock } from './clock/virtual-clock';
import type { Database } from './db/database';
import type { FaultStore } from './faults/faults';
import type { SandboxLogger } from './logging/logger';
import type { ResetDefaults } from './reset';
import type { SessionService, TokenBindingStore } from './sessions';
import type { SettingsStore } from './settings/settings';
import type { ObjectStore } from './storage/object-store';
import type { TransactionEvents } from './transactions/transaction-events';
import type { TransactionLifecycle } from './transactions/transactions';
import type { WebhookOutbox } from './webhooks';

/** Server-side secrets, generated at first start and kept in the database. */
export interface SandboxSecrets {
  /** HMAC key of presigned storage URLs. */
  storageKey: Buffer;
  /** HS256 key of widget session tokens. */
  sessionKey: Buffer;
}

/**
 * Everything a route handler or background job needs, built once by `startSandbox`. Handlers get
 * it from the router; modules take the parts they use.
 */
export interface SandboxContext {
  readonly db: Database;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly settings: SettingsStore;
  readonly faults: FaultStore;
  readonly storage: ObjectStore;
  readonly chain: Chain;
  readonly transactions: TransactionLifecycle;
  readonly events: TransactionEvents;
  readonly webhooks: WebhookOutbox;
  readonly sessions: SessionService;
  readonly tokenBindings: TokenBindingStore;
  readonly log: SandboxLogger;
  readonly secrets: SandboxSecrets;
  /** Package version, reported by `/_sandbox/health`. */
  readonly version: string;
  /** Start values that `POST /_sandbox/reset` returns to. */
  readonly startValues: ResetDefaults;
  /** Required as a bearer on `/_sandbox/*` when set. */
  readonly adminToken: string | null;
}
