import {
  type ApiKeyCreatedWire,
  type ApiKeyWire,
  AtsApiError,
  type CreditBalances,
  type Network,
  type OrganizationWire,
  type SandboxClock,
  type SandboxFaultsWire,
  type SandboxSettings,
  type SiteCreatedWire,
  type SiteWire,
  type WebhookDeliveryWire,
} from '@ats-kit/core';

/** What `seedDemo` creates: an organization with credits, an all-scopes API key, a widget site. */
export interface DemoFixtures {
  organization: OrganizationWire;
  /** The API key token (`afo_sk_live_…`). */
  apiKey: string;
  apiKeyId: string;
  webhookSecretBase64: string;
  siteKey: string;
  secretKey: string;
}

/** Options of `seedDemo`. Fixed `token`, `siteKey`, `secretKey` make the fixtures reproducible. */
export interface SeedDemoOptions {
  name?: string;
  credits?: { testnet?: number; mainnet?: number };
  webhookUrl?: string;
  token?: string;
  siteKey?: string;
  secretKey?: string;
  allowedOrigins?: string[];
}

/**
 * A small typed client of the sandbox's `/_sandbox/*` routes (api.md §17). Error answers throw
 * core's `AtsApiError`.
 *
 * @example
 * const admin = new SandboxAdminClient('http://127.0.0.1:4010');
 * const org = await admin.createOrganization({ name: 'Acme', credits: { mainnet: 500 } });
 * await admin.advanceClock(30_000);
 */
export class SandboxAdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  health(): Promise<{ status: string; version: string; now: string }> {
    return this.call('GET', '/_sandbox/health');
  }

  /** Removes all data; settings and faults back to their start values. */
  async reset(): Promise<void> {
    await this.call('POST', '/_sandbox/reset');
  }

  createOrganization(body: {
    name: string;
    credits?: { testnet?: number; mainnet?: number };
    testnet_quota?: { limit: number; period_seconds: number } | null;
  }): Promise<OrganizationWire> {
    return this.call('POST', '/_sandbox/organizations', body);
  }

  getOrganization(id: string): Promise<OrganizationWire> {
    return this.call('GET', `/_sandbox/organizations/${id}`);
  }

  updateOrganization(
    id: string,
    body: { is_active?: boolean; testnet_quota?: { limit: number; period_seconds: number } | null },
  ): Promise<OrganizationWire> {
    return this.call('PATCH', `/_sandbox/organizations/${id}`, body);
  }

  /** Adds (or, negative, removes) credits; the balance stops at 0. */
  topUpCredits(id: string, network: Network, amount: number): Promise<CreditBalances> {
    return this.call('POST', `/_sandbox/organizations/${id}/credits`, { network, amount });
  }

  credits(id: string): Promise<CreditBalances> {
    return this.call('GET', `/_sandbox/organizations/${id}/credits`);
  }

  createApiKey(
    organizationId: string,
    body: {
      name: string;
      scopes: string[];
      webhook_url?: string | null;
      max_file_size_bytes?: number | null;
      token?: string;
    },
  ): Promise<ApiKeyCreatedWire> {
    return this.call('POST', `/_sandbox/organizations/${organizationId}/api-keys`, body);
  }

  async listApiKeys(organizationId: string): Promise<ApiKeyWire[]> {
    const answer = await this.call<{ api_keys: ApiKeyWire[] }>(
      'GET',
      `/_sandbox/organizations/${organizationId}/api-keys`,
    );
    return answer.api_keys;
  }

  async revokeApiKey(organizationId: string, keyId: string): Promise<void> {
    await this.call('DELETE', `/_sandbox/organizations/${organizationId}/api-keys/${keyId}`);
  }

  createSite(
    organizationId: string,
    body: {
      name: string;
      allowed_origins: string[];
      widget_enabled?: boolean;
      max_file_size_bytes?: number | null;
      site_key?: string;
      secret_key?: string;
    },
  ): Promise<SiteCreatedWire> {
    return this.call('POST', `/_sandbox/organizations/${organizationId}/sites`, body);
  }

  updateSite(
    organizationId: string,
    siteId: string,
    body: {
      allowed_origins?: string[];
      widget_enabled?: boolean;
      is_active?: boolean;
      max_file_size_bytes?: number | null;
    },
  ): Promise<SiteWire> {
    return this.call('PATCH', `/_sandbox/organizations/${organizationId}/sites/${siteId}`, body);
  }

  async deliveries(
    filter: { status?: 'pending' | 'delivered' | 'dead'; transactionId?: string } = {},
  ): Promise<WebhookDeliveryWire[]> {
    const query = new URLSearchParams();
    if (filter.status) query.set('status', filter.status);
    if (filter.transactionId) query.set('transaction_id', filter.transactionId);
    const suffix = query.size > 0 ? `?${query}` : '';
    const answer = await this.call<{ deliveries: WebhookDeliveryWire[] }>(
      'GET',
      `/_sandbox/webhooks/deliveries${suffix}`,
    );
    return answer.deliveries;
  }

  /** Restarts the attempts of dead deliveries (all without `ids`). */
  async replayDeadLetters(ids?: string[]): Promise<void> {
    await this.call('POST', '/_sandbox/webhooks/dlq/replay', ids ? { ids } : {});
  }

  clock(): Promise<SandboxClock> {
    return this.call('GET', '/_sandbox/clock');
  }

  setClock(body: {
    time_scale?: number;
    paused?: boolean;
    block_time_ms?: { testnet?: number; mainnet?: number };
  }): Promise<SandboxClock> {
    return this.call('PUT', '/_sandbox/clock', body);
  }

  /** Runs everything due in the next `ms` of virtual time, in order. */
  advanceClock(ms: number): Promise<SandboxClock> {
    return this.call('POST', '/_sandbox/clock/advance', { ms });
  }

  mineBlocks(network: Network, count = 1): Promise<{ network: Network; height: number }> {
    return this.call('POST', `/_sandbox/chain/${network}/blocks`, { count });
  }

  settings(): Promise<SandboxSettings> {
    return this.call('GET', '/_sandbox/settings');
  }

  updateSettings(body: Partial<SandboxSettings>): Promise<SandboxSettings> {
    return this.call('PUT', '/_sandbox/settings', body);
  }

  faults(): Promise<SandboxFaultsWire> {
    return this.call('GET', '/_sandbox/faults');
  }

  /** Replaces the fault settings (omitted fields back to defaults). */
  setFaults(body: Partial<SandboxFaultsWire>): Promise<SandboxFaultsWire> {
    return this.call('PUT', '/_sandbox/faults', body);
  }

  /**
   * Creates a demo organization (1000 credits on each network), an API key with every scope and
   * a webhook URL, and a widget site allowing `localhost`.
   *
   * @example
   * const { apiKey, siteKey } = await admin.seedDemo();
   */
  async seedDemo(options: SeedDemoOptions = {}): Promise<DemoFixtures> {
    const organization = await this.createOrganization({
      name: options.name ?? 'Demo organization',
      credits: { testnet: 1000, mainnet: 1000, ...options.credits },
    });
    const key = await this.createApiKey(organization.id, {
      name: 'demo',
      scopes: ['works:register', 'works:update', 'works:read'],
      webhook_url: options.webhookUrl ?? 'http://127.0.0.1:3000/webhooks/ats',
      ...(options.token ? { token: options.token } : {}),
    });
    const site = await this.createSite(organization.id, {
      name: 'demo site',
      allowed_origins: options.allowedOrigins ?? ['localhost', '127.0.0.1'],
      ...(options.siteKey ? { site_key: options.siteKey } : {}),
      ...(options.secretKey ? { secret_key: options.secretKey } : {}),
    });
    return {
      organization,
      apiKey: key.token,
      apiKeyId: key.id,
      webhookSecretBase64: key.webhook_secret_base64 ?? '',
      siteKey: site.site_key,
      secretKey: site.secret_key,
    };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.adminToken) headers.Authorization = `Bearer ${this.adminToken}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      throw AtsApiError.from({ status: response.status, body: text, headers: response.headers });
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
