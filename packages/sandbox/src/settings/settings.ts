import {
  DEFAULT_FEE_SCHEDULE,
  type FeeSchedule,
  type SandboxSettings,
  UpdateSandboxSettingsRequestSchema,
} from '@ats-kit/core';
import { type Database, readMeta, writeMeta } from '../db/database';
import { parseRequest } from '../http/validation';

export type { SandboxSettings } from '@ats-kit/core';

/** Partial settings as `startSandbox` and `PUT /_sandbox/settings` take them. */
export type SettingsChange = Partial<SandboxSettings>;

/**
 * The settings a fresh sandbox starts with (api.md §17), optionally changed by `startSandbox`
 * options (the fee schedule given as `fees`).
 *
 * @example
 * defaultSettings({ fees: mySchedule });
 */
export function defaultSettings(
  overrides: { fees?: FeeSchedule | undefined } = {},
): SandboxSettings {
  return {
    fees: structuredClone(overrides.fees ?? DEFAULT_FEE_SCHEDULE) as SandboxSettings['fees'],
    testnet_quote: 'waived-as-zero',
    retain_testnet_assets: true,
    confirm_concurrency: 10,
    job_ttl_seconds: 3600,
    cors_extra_origins: [],
  };
}

/**
 * Holds the settings, persisted in the database so that a restart keeps them. `reset()` returns
 * to the start values.
 *
 * @example
 * const settings = new SettingsStore(db, defaultSettings());
 * settings.current.confirm_concurrency; // 10
 */
export class SettingsStore {
  private value: SandboxSettings;

  constructor(
    private readonly db: Database,
    private readonly startValues: SandboxSettings,
  ) {
    this.value = readMeta<SandboxSettings>(db, 'settings') ?? structuredClone(startValues);
    writeMeta(db, 'settings', this.value);
  }

  get current(): SandboxSettings {
    return this.value;
  }

  /** Validates a `PUT /_sandbox/settings` body and merges it (422 with the fields to fix). */
  update(body: unknown): SandboxSettings {
    const change = parseRequest(UpdateSandboxSettingsRequestSchema, body);
    const next: SandboxSettings = { ...this.value };
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined) (next as Record<string, unknown>)[key] = value;
    }
    this.value = next;
    writeMeta(this.db, 'settings', this.value);
    return this.value;
  }

  /** Back to the start values. */
  reset(): void {
    this.value = structuredClone(this.startValues);
    writeMeta(this.db, 'settings', this.value);
  }
}
