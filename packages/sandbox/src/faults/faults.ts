import {
  DEFAULT_SANDBOX_FAULTS,
  type FaultRule,
  type SandboxFaults,
  UpdateFaultsRequestSchema,
} from '@ats-kit/core';
import { type Database, readMeta, writeMeta } from '../db/database';
import { parseRequest } from '../http/validation';
import { SeededRandom } from './seeded-random';

export type { SandboxFaults } from '@ats-kit/core';

/** Faults as `startSandbox` takes them: any subset of the `/_sandbox/faults` fields. */
export type FaultsChange = Partial<SandboxFaults>;

const DEFAULT_SEED = 1;

/**
 * The fault-injection settings (api.md §17) and the seeded generator every draw comes from.
 * `PUT /_sandbox/faults` replaces the whole set (omitted fields back to defaults) and restarts the
 * draws from the seed, so a test that sets faults then runs gets the same outcomes every time.
 *
 * @example
 * const faults = new FaultStore(db, { chain_failure_rate: 0.5 }, 7);
 * if (faults.draw('chain_failure_rate')) failTransaction();
 */
export class FaultStore {
  private value: SandboxFaults;
  private random: SeededRandom;

  constructor(
    private readonly db: Database,
    private readonly startValues: FaultsChange,
    private readonly startSeed: number | undefined,
  ) {
    this.value =
      readMeta<SandboxFaults>(db, 'faults') ?? this.normalize(startValues, startSeed ?? null);
    this.random = new SeededRandom(this.value.seed ?? DEFAULT_SEED);
    writeMeta(db, 'faults', this.value);
  }

  get current(): SandboxFaults {
    return this.value;
  }

  /** Validates and applies a `PUT /_sandbox/faults` body (422 with the fields to fix). */
  replace(body: unknown): SandboxFaults {
    const parsed = parseRequest(UpdateFaultsRequestSchema, body ?? {});
    this.value = this.normalize(parsed as FaultsChange, parsed.seed ?? this.value.seed);
    this.random = new SeededRandom(this.value.seed ?? DEFAULT_SEED);
    writeMeta(this.db, 'faults', this.value);
    return this.value;
  }

  /** Back to the start values and the start seed. */
  reset(): void {
    this.value = this.normalize(this.startValues, this.startSeed ?? null);
    this.random = new SeededRandom(this.value.seed ?? DEFAULT_SEED);
    writeMeta(this.db, 'faults', this.value);
  }

  /** One draw against a rate field: true when the fault happens. */
  draw(
    field:
      | 'api_5xx_rate'
      | 'api_429_rate'
      | 'upload_failure_rate'
      | 'upload_stall_rate'
      | 'ws_drop_rate'
      | 'chain_failure_rate'
      | 'dry_run_failure_rate',
  ): boolean {
    return this.random.chance(this.value[field]);
  }

  /** Whether an injected 5xx hits after the effect (`after`, or `mixed` half of the time). */
  drawPhaseAfter(): boolean {
    const phase = this.value.api_5xx_phase;
    if (phase === 'after') return true;
    if (phase === 'mixed') return this.random.next() < 0.5;
    return false;
  }

  /** Extra latency for one `/v1` answer, in wall ms (0 without the setting). */
  drawLatencyMs(): number {
    const latency = this.value.latency_ms;
    if (!latency) return 0;
    return this.random.between(latency.min, latency.max);
  }

  /**
   * The first rule matching a request, consuming one of its `times`; null when none matches.
   *
   * @example
   * faults.takeRule('POST', '/v1/works/init');
   */
  takeRule(method: string, path: string): FaultRule | null {
    const rules = this.value.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.method !== '*' && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!globMatches(rule.path, path)) continue;
      if (rule.times !== null && rule.times !== undefined) {
        const left = rule.times - 1;
        const nextRules = [...rules];
        if (left <= 0) nextRules.splice(i, 1);
        else nextRules[i] = { ...rule, times: left };
        this.value = { ...this.value, rules: nextRules };
        writeMeta(this.db, 'faults', this.value);
      }
      return rule;
    }
    return null;
  }

  private normalize(change: FaultsChange, seed: number | null): SandboxFaults {
    const merged = { ...structuredClone(DEFAULT_SANDBOX_FAULTS), seed } as SandboxFaults;
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined && key !== 'seed') (merged as Record<string, unknown>)[key] = value;
    }
    merged.rules = (merged.rules ?? []).map((rule) => ({
      method: rule.method,
      path: rule.path,
      status: rule.status,
      code: rule.code,
      message: rule.message ?? null,
      details: rule.details ?? null,
      retry_after: rule.retry_after ?? null,
      times: rule.times ?? null,
    }));
    merged.latency_ms = merged.latency_ms ?? null;
    return merged;
  }
}

/**
 * Matches a path against a glob: `*` stands for any characters but `/`, `**` for any characters.
 *
 * @example
 * globMatches('/v1/works/*', '/v1/works/init'); // true
 */
export function globMatches(glob: string, path: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        pattern += '.*';
        i++;
      } else {
        pattern += '[^/]*';
      }
    } else {
      pattern += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`).test(path);
}
