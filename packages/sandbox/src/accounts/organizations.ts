import type { Network } from '@ats-kit/core';
import type { Database } from '../db/database';
import { ApiFailure } from '../http/api-failure';
import { isoTimestamp } from '../http/timestamps';
import { newUuid, ownerAddressFor, UUID_PATTERN } from '../identifiers/identifiers';

/** An organization as stored. */
export interface OrganizationRow {
  id: string;
  name: string;
  is_active: number;
  owner_address: string;
  credits_testnet: number;
  credits_mainnet: number;
  quota_limit: number | null;
  quota_period_seconds: number | null;
  created_at: number;
}

/** Input of `createOrganization`. */
export interface NewOrganization {
  name: string;
  credits?: { testnet?: number | undefined; mainnet?: number | undefined } | undefined;
  testnet_quota?: { limit: number; period_seconds: number } | null | undefined;
  /** Fixed id (fixtures, the CLI's demo organization). */
  id?: string | undefined;
}

/**
 * Inserts an organization (api.md §17) and returns its row.
 *
 * @example
 * const org = createOrganization(db, { name: 'Acme', credits: { mainnet: 500 } }, clock.now());
 */
export function createOrganization(
  db: Database,
  input: NewOrganization,
  now: number,
): OrganizationRow {
  const id = input.id ?? newUuid();
  const row: OrganizationRow = {
    id,
    name: input.name,
    is_active: 1,
    owner_address: ownerAddressFor(id),
    credits_testnet: Math.max(0, input.credits?.testnet ?? 0),
    credits_mainnet: Math.max(0, input.credits?.mainnet ?? 0),
    quota_limit: input.testnet_quota?.limit ?? null,
    quota_period_seconds: input.testnet_quota?.period_seconds ?? null,
    created_at: now,
  };
  db.prepare(
    `INSERT INTO organizations (id, name, is_active, owner_address, credits_testnet, credits_mainnet,
       quota_limit, quota_period_seconds, created_at)
     VALUES (@id, @name, @is_active, @owner_address, @credits_testnet, @credits_mainnet,
       @quota_limit, @quota_period_seconds, @created_at)`,
  ).run(row);
  return row;
}

/** The organization with this id, or undefined (non-UUID ids included). */
export function findOrganization(db: Database, id: string): OrganizationRow | undefined {
  if (!UUID_PATTERN.test(id)) return undefined;
  return db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as
    | OrganizationRow
    | undefined;
}

/** The organization or `404 common.not_found` (`details.resource: "organization"`). */
export function requireOrganization(db: Database, id: string): OrganizationRow {
  const row = findOrganization(db, id);
  if (!row) {
    throw new ApiFailure(404, 'common.not_found', `No organization with id ${id}.`, {
      resource: 'organization',
    });
  }
  return row;
}

/** The balance of one network. */
export function balanceOf(org: OrganizationRow, network: Network): number {
  return network === 'mainnet' ? org.credits_mainnet : org.credits_testnet;
}

/**
 * Adds `amount` (may be negative) to a network's balance, which stops at 0. Returns both balances.
 *
 * @example
 * adjustCredits(db, orgId, 'mainnet', -75);
 */
export function adjustCredits(
  db: Database,
  organizationId: string,
  network: Network,
  amount: number,
): { testnet: number; mainnet: number } {
  const column = network === 'mainnet' ? 'credits_mainnet' : 'credits_testnet';
  db.prepare(`UPDATE organizations SET ${column} = MAX(0, ${column} + ?) WHERE id = ?`).run(
    amount,
    organizationId,
  );
  const row = db
    .prepare('SELECT credits_testnet, credits_mainnet FROM organizations WHERE id = ?')
    .get(organizationId) as { credits_testnet: number; credits_mainnet: number };
  return { testnet: row.credits_testnet, mainnet: row.credits_mainnet };
}

/** The wire form of an organization (`/_sandbox/organizations`). */
export function organizationView(org: OrganizationRow) {
  return {
    id: org.id,
    name: org.name,
    is_active: org.is_active === 1,
    owner_address: org.owner_address,
    credits: { testnet: org.credits_testnet, mainnet: org.credits_mainnet },
    testnet_quota:
      org.quota_limit !== null && org.quota_period_seconds !== null
        ? { limit: org.quota_limit, period_seconds: org.quota_period_seconds }
        : null,
    created_at: isoTimestamp(org.created_at),
  };
}

/** The testnet quota window holding `now` and how many confirms it has used. */
export function testnetQuotaUsage(
  db: Database,
  org: OrganizationRow,
  now: number,
): { limit: number; used: number; resetsAt: number } | null {
  if (org.quota_limit === null || org.quota_period_seconds === null) return null;
  const period = org.quota_period_seconds * 1000;
  const windowStart = org.created_at + Math.floor((now - org.created_at) / period) * period;
  const { used } = db
    .prepare(
      `SELECT COUNT(*) AS used FROM transactions
       WHERE organization_id = ? AND network = 'testnet' AND created_at >= ? AND created_at < ?`,
    )
    .get(org.id, windowStart, windowStart + period) as { used: number };
  return { limit: org.quota_limit, used, resetsAt: windowStart + period };
}
