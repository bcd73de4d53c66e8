import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { runMigrations } from './migrations';

export type { Database } from 'better-sqlite3';

/** Where the sandbox keeps its state: a directory on disk, or memory for throwaway runs. */
export type DatabaseLocation = { dataDir: string } | { memory: true };

/**
 * Opens (creating if needed) the sandbox database and applies migrations. On disk it uses WAL with
 * `synchronous = FULL`, so a commit that returned survives a SIGKILL or a power cut; every state
 * change of the sandbox runs inside one transaction (`db.transaction(fn)`).
 *
 * @example
 * const db = openDatabase({ dataDir: '.ats-sandbox' });
 * db.transaction(() => { ... })();
 */
export function openDatabase(location: DatabaseLocation): Database {
  let db: Database;
  if ('memory' in location) {
    db = new BetterSqlite3(':memory:');
  } else {
    mkdirSync(location.dataDir, { recursive: true });
    db = new BetterSqlite3(join(location.dataDir, 'sandbox.sqlite'));
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  runMigrations(db);
  return db;
}

/**
 * Reads a JSON value stored in the `meta` table, or `undefined` when absent.
 *
 * @example
 * const clock = readMeta<ClockAnchor>(db, 'clock');
 */
export function readMeta<T>(db: Database, key: string): T | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row ? (JSON.parse(row.value) as T) : undefined;
}

/**
 * Stores a JSON value in the `meta` table (insert or replace).
 *
 * @example
 * writeMeta(db, 'settings', settings);
 */
export function writeMeta(db: Database, key: string, value: unknown): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}
