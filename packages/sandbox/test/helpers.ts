import { type StartSandboxOptions, startSandbox } from '../src';

/** A JSON answer with its status and headers. */
// biome-ignore lint/suspicious/noExplicitAny: tests read parsed JSON answers field by field.
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Options of `call`. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
}

/**
 * A sandbox for one test file: in memory, on a free loopback port, with the clock paused so that
 * time moves only through `advance`.
 */
export async function startTestSandbox(options: StartSandboxOptions = {}) {
  const sandbox = await startSandbox({ memory: true, port: 0, paused: true, ...options });
  // biome-ignore lint/suspicious/noExplicitAny: tests read parsed JSON answers field by field.
  const call = async <T = any>(
    method: string,
    path: string,
    opts: CallOptions = {},
  ): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // XML or empty bodies stay text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return { sandbox, call, admin: sandbox.admin };
}

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>;

/** A valid creator for write bodies. */
export const CREATOR = {
  full_name: 'Ana Example',
  email: 'ana@example.com',
  roles: { author: true, composer: true },
  ipi: '00052210040',
  isni: '000000012146438X',
};

/** Bytes of a small fake audio file. */
export function audioBytes(size = 1024, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

/** Organization + all-scopes API key with credits. */
export async function seedOrganization(
  t: TestSandbox,
  credits: { testnet?: number; mainnet?: number } = { testnet: 100, mainnet: 1000 },
) {
  const organization = await t.admin.createOrganization({ name: 'Acme', credits });
  const key = await t.admin.createApiKey(organization.id, {
    name: 'test',
    scopes: ['works:register', 'works:update', 'works:read'],
  });
  return { organization, token: key.token, keyId: key.id };
}

/**
 * Runs init → PUT → prepare → confirm and returns each answer. The clock is not advanced.
 */
export async function registerWork(
  t: TestSandbox,
  token: string,
  options: {
    network?: 'testnet' | 'mainnet';
    title?: string;
    file?: Uint8Array<ArrayBuffer>;
    prefix?: string;
    externalUserRef?: string;
  } = {},
) {
  const prefix = options.prefix ?? '/v1/works';
  const init = await t.call('POST', `${prefix}/init`, {
    token,
    body: {
      network: options.network ?? 'testnet',
      title: options.title ?? 'Night Song',
      filename: 'night-song.wav',
      creators: [CREATOR],
      ...(options.externalUserRef ? { external_user_ref: options.externalUserRef } : {}),
    },
  });
  if (init.status !== 200) throw new Error(`init failed: ${init.text}`);
  const file = options.file ?? audioBytes();
  const upload = await fetch(init.body.upload_url, {
    method: 'PUT',
    body: file,
    headers: { 'Content-Type': 'audio/wav' },
  });
  const prepare = await t.call('POST', `${prefix}/prepare`, {
    token,
    body: { job_id: init.body.job_id },
  });
  const confirm = await t.call('POST', `${prefix}/confirm`, {
    token,
    body: { job_id: init.body.job_id },
  });
  return { init, upload, prepare, confirm, file };
}
