import type { Database } from 'better-sqlite3';

// Schema changes, applied in order and recorded in `PRAGMA user_version`. Never edit a shipped
// step: add a new one, so an existing data directory upgrades in place. Times are virtual epoch ms.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    owner_address TEXT NOT NULL,
    credits_testnet INTEGER NOT NULL DEFAULT 0,
    credits_mainnet INTEGER NOT NULL DEFAULT 0,
    quota_limit INTEGER,
    quota_period_seconds INTEGER,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    webhook_url TEXT,
    webhook_secret_base64 TEXT,
    max_file_size_bytes INTEGER,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX api_keys_org ON api_keys(organization_id, created_at);

  CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    site_key TEXT NOT NULL UNIQUE,
    secret_key_sha256 TEXT NOT NULL UNIQUE,
    allowed_origins TEXT NOT NULL,
    widget_enabled INTEGER NOT NULL DEFAULT 1,
    is_active INTEGER NOT NULL DEFAULT 1,
    max_file_size_bytes INTEGER,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE chain_state (
    network TEXT PRIMARY KEY,
    height INTEGER NOT NULL,
    next_block_at INTEGER NOT NULL,
    block_time_ms INTEGER NOT NULL,
    last_block_at INTEGER,
    last_ats_id INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    network TEXT NOT NULL,
    work_id TEXT NOT NULL,
    api_key_id TEXT,
    site_id TEXT,
    session_action TEXT,
    title TEXT NOT NULL,
    filename TEXT NOT NULL,
    creators TEXT NOT NULL,
    external_user_ref TEXT,
    max_file_size_bytes INTEGER NOT NULL,
    reuses_file INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    upload_closed INTEGER NOT NULL DEFAULT 0,
    file_path TEXT,
    size_bytes INTEGER,
    content_type TEXT,
    etag TEXT,
    media_hash TEXT,
    merkle_root TEXT,
    commitment TEXT,
    quote TEXT,
    quote_expires_at INTEGER,
    transaction_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_work ON jobs(work_id);


  CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    type TEXT NOT NULL,
    network TEXT NOT NULL,
    work_id TEXT NOT NULL,
    api_key_id TEXT,
    site_id TEXT,
    debit_credits INTEGER NOT NULL,
    current_step TEXT NOT NULL,
    progress INTEGER NOT NULL,
    description TEXT NOT NULL,
    steps TEXT NOT NULL,
    status TEXT NOT NULL,
    next_step_at INTEGER,
    submitted_at INTEGER,
    included_height INTEGER,
    included_at INTEGER,
    tx_hash TEXT,
    block_hash TEXT,
    result TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX transactions_next_step ON transactions(next_step_at) WHERE next_step_at IS NOT NULL;
  CREATE INDEX transactions_pool ON transactions(network, status, current_step);
  CREATE INDEX transactions_quota ON transactions(organization_id, network, created_at);

  CREATE TABLE works (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    network TEXT NOT NULL,
    ats_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    external_user_ref TEXT,
    access_code TEXT UNIQUE,
    latest_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    latest_version_at INTEGER NOT NULL,
    UNIQUE (network, ats_id)
  );
  CREATE INDEX works_org ON works(organization_id, created_at DESC, id DESC);

  CREATE TABLE work_versions (
    work_id TEXT NOT NULL REFERENCES works(id),
    version INTEGER NOT NULL,
    commitment TEXT NOT NULL,
    media_hash TEXT NOT NULL,
    merkle_root TEXT NOT NULL,
    asset_filename TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content_type TEXT,
    file_path TEXT,
    creators TEXT NOT NULL,
    registered_at_block INTEGER NOT NULL,
    registered_at INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    fee_credits INTEGER NOT NULL,
    storage_fee_credits INTEGER NOT NULL,
    certificate TEXT,
    PRIMARY KEY (work_id, version)
  );

  CREATE TABLE idempotency_keys (
    partition_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (partition_key, idempotency_key)
  );
  `,
  // The scheduler purges expired idempotency rows by expiry time.
  `
  CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);
  `,
];

/**
 * Brings `db` to the latest schema, each step in its own transaction. Safe to call on every
 * start: steps already applied (per `PRAGMA user_version`) are skipped.
 *
 * @example
 * runMigrations(db);
 */
export function runMigrations(db: Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let step = applied; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step]!);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
}
