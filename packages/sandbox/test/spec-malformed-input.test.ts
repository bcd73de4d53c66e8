// Malformed input everywhere (api.md §2, §2.2, §3.4, §4, §5.2, §16): seeded fuzzed JSON and bytes,
// wrong types, huge strings, invalid UTF-8, path tricks, tampered storage URLs, bad cursors. The
// sandbox must always answer a 4xx (envelope, or S3 XML on storage), never a 5xx, a hang or a
// crash; it still answers health afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  expectError,
  initBody,
  putFile,
  REQUEST_ID,
  rawRequest,
  registerFinal,
  seededRandom,
  seedOrg,
  seedSite,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;
let site: Awaited<ReturnType<typeof seedSite>>;
let work: Awaited<ReturnType<typeof registerFinal>>;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t);
  site = await seedSite(t, org.orgId);
  work = await registerFinal(t, org.token);
});
afterAll(async () => {
  await t.sandbox.close();
});

/** Sends a request with a wall-clock bound (a hang fails the test). */
async function send(
  method: string,
  path: string,
  body: BodyInit | undefined,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${t.sandbox.url}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${org.token}`,
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** Any error answer of /v1 or /_sandbox: a 4xx with the §2.2 envelope. */
function expectClientError(
  answer: { status: number; text: string; headers: Headers },
  label: string,
) {
  expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
  const body = JSON.parse(answer.text);
  expect(typeof body.error.code, label).toBe('string');
  expect(typeof body.error.message, label).toBe('string');
  expect(body.error.request_id, label).toMatch(REQUEST_ID);
}

function expectNo5xx(answer: { status: number; text: string; headers: Headers }, label: string) {
  expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
  if (answer.status >= 400) expectClientError(answer, label);
}

// ---------------------------------------------------------------------------------------------
// Seeded generators

/** Surrogate halves (URLs cannot carry lone ones). */
const SURROGATES = /[\ud800-\udfff]/g;

const VOCABULARY = [
  'network',
  'title',
  'filename',
  'creators',
  'full_name',
  'email',
  'roles',
  'author',
  'composer',
  'arranger',
  'adapter',
  'ipi',
  'isni',
  'external_user_ref',
  'passphrase',
  'job_id',
  'secret_key',
  'action_type',
  'allowed_network',
  'allowed_ats_id',
  'max_file_size_bytes',
  'name',
  'scopes',
  'webhook_url',
  'token',
  'allowed_origins',
  'widget_enabled',
  'is_active',
  'credits',
  'testnet',
  'mainnet',
  'amount',
  'testnet_quota',
  'limit',
  'period_seconds',
  'ids',
  '__proto__',
  'constructor',
];
const STRINGS = [
  '',
  ' ',
  'testnet',
  'mainnet',
  'works:read',
  'register',
  '../../etc/passwd',
  'a/b',
  'a\\b',
  '\u0000',
  '\ud800',
  '\udfff',
  '🎵',
  '\u202e',
  'null',
  'true',
  '{}',
  '<script>',
  '%00',
  'atc_',
  '0x',
  'é'.repeat(300),
];

function generator(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const randomString = (): string => {
    const roll = random();
    if (roll < 0.4) return pick(STRINGS);
    if (roll < 0.5) return 'x'.repeat(int(70_000));
    const length = int(40);
    let out = '';
    for (let i = 0; i < length; i++) out += String.fromCharCode(int(0x10000));
    return out;
  };
  const value = (depth: number): unknown => {
    const roll = random();
    if (depth > 4 || roll < 0.1) return pick([null, true, false]);
    if (roll < 0.25)
      return pick([0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, Number.MIN_VALUE, int(1e9)]);
    if (roll < 0.55) return randomString();
    if (roll < 0.75) return Array.from({ length: int(5) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--) {
      // defineProperty, so that "__proto__" becomes a plain key that JSON.stringify writes.
      Object.defineProperty(object, random() < 0.8 ? pick(VOCABULARY) : randomString(), {
        value: value(depth + 1),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return object;
  };
  const body = (): Uint8Array => {
    const roll = random();
    if (roll < 0.2) return Uint8Array.from({ length: int(200) }, () => int(256));
    if (roll < 0.35) {
      // Valid JSON, then cut or corrupted.
      const text = JSON.stringify(value(0)) ?? 'null';
      return new TextEncoder().encode(
        text.slice(0, int(text.length + 1)) + pick(['', ',', '}', ']', '"']),
      );
    }
    return new TextEncoder().encode(JSON.stringify(value(0)) ?? 'null');
  };
  return { body, value, pick, int, randomString, random };
}

describe('fuzzed bodies (seeded)', () => {
  it('answers every fuzzed body on every write route with a 4xx envelope (or a success), never a 5xx or a hang', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/works/init'],
      ['POST', '/v1/works/prepare'],
      ['POST', '/v1/works/confirm'],
      ['POST', `/v1/works/${work.result.ats_id}/versions/init`],
      ['POST', `/v1/works/${work.result.ats_id}/versions/init-upload`],
      ['POST', `/v1/works/${work.result.ats_id}/versions/prepare`],
      ['POST', `/v1/works/${work.result.ats_id}/versions/confirm`],
      ['POST', `/v1/organizations/${org.orgId}/works/init`],
      ['POST', `/v1/access/${work.result.access_code}/versions/init`],
      ['POST', `/v1/access/${work.result.access_code}/versions/init-upload`],
      ['POST', `/v1/access/${work.result.access_code}/versions/prepare`],
      ['POST', '/v1/sessions'],
      ['POST', '/_sandbox/organizations'],
      ['PATCH', `/_sandbox/organizations/${org.orgId}`],
      ['POST', `/_sandbox/organizations/${org.orgId}/credits`],
      ['POST', `/_sandbox/organizations/${org.orgId}/api-keys`],
      ['POST', `/_sandbox/organizations/${org.orgId}/sites`],
      ['PATCH', `/_sandbox/organizations/${org.orgId}/sites/${site.id}`],
      ['POST', '/_sandbox/webhooks/dlq/replay'],
    ];
    const fuzz = generator(20260430);
    for (let i = 0; i < 380; i++) {
      const [method, path] = routes[i % routes.length]!;
      const bytes = fuzz.body();
      const headers: Record<string, string> = {};
      if (path === '/v1/sessions') headers.Origin = 'https://shop.example.com';
      if (fuzz.random() < 0.1) headers['Idempotency-Key'] = `fuzz-${i}`;
      const answer = await send(method, path, bytes as Uint8Array<ArrayBuffer>, headers);
      expectNo5xx(
        answer,
        `#${i} ${method} ${path} ${Buffer.from(bytes.subarray(0, 80)).toString('hex')}`,
      );
    }
    // Admin settings touched by chance go back.
    await t.admin.setFaults({});
    expect((await t.call('GET', '/_sandbox/health')).status).toBe(200);
  });

  it('answers fuzzed values for each init field with 422 (or 200 when valid by chance), never a 5xx', async () => {
    const fuzz = generator(7);
    const fields = ['network', 'title', 'filename', 'creators', 'external_user_ref', 'passphrase'];
    for (let i = 0; i < 150; i++) {
      const field = fields[i % fields.length]!;
      const body = initBody({ [field]: fuzz.value(1) });
      const answer = await send('POST', '/v1/works/init', JSON.stringify(body));
      expectNo5xx(answer, `init ${field}=${JSON.stringify(body[field])?.slice(0, 80)}`);
      expect([200, 422], answer.text.slice(0, 200)).toContain(answer.status);
    }
    const creatorFields = ['full_name', 'email', 'roles', 'ipi', 'isni'];
    for (let i = 0; i < 100; i++) {
      const field = creatorFields[i % creatorFields.length]!;
      const body = initBody({ creators: [{ ...CREATOR, [field]: fuzz.value(1) }] });
      const answer = await send('POST', '/v1/works/init', JSON.stringify(body));
      expectNo5xx(answer, `creator ${field}`);
      expect([200, 422]).toContain(answer.status);
    }
  });
});

describe('wrong types (§4)', () => {
  const WRONG = [1, -1, 1.5, true, [], {}, ['x'], { a: 1 }];

  it.each(['network', 'title', 'filename', 'external_user_ref'])(
    'answers 422 for a non-string %s',
    async (field) => {
      for (const value of WRONG) {
        const answer = await t.call('POST', '/v1/works/init', {
          token: org.token,
          body: initBody({ [field]: value }),
        });
        expect(answer.status, `${field}=${JSON.stringify(value)}: ${answer.text}`).toBe(422);
      }
    },
  );

  it('answers 422 for creators of the wrong type, at any depth', async () => {
    const bodies = [
      { creators: 'Ana' },
      { creators: {} },
      { creators: [1] },
      { creators: [null] },
      { creators: [[]] },
      { creators: [{ ...CREATOR, roles: ['author'] }] },
      { creators: [{ ...CREATOR, roles: { author: 'yes' } }] },
      { creators: [{ ...CREATOR, roles: { author: 1 } }] },
      { creators: [{ ...CREATOR, ipi: 52210040 }] },
      { creators: [{ ...CREATOR, full_name: ['Ana'] }] },
    ];
    for (const change of bodies) {
      const answer = await t.call('POST', '/v1/works/init', {
        token: org.token,
        body: initBody(change),
      });
      expect(answer.status, `${JSON.stringify(change)}: ${answer.text}`).toBe(422);
    }
  });

  it('answers 422 for a non-string job_id on prepare and confirm', async () => {
    for (const value of [...WRONG, null]) {
      for (const route of ['prepare', 'confirm']) {
        const answer = await t.call('POST', `/v1/works/${route}`, {
          token: org.token,
          body: { job_id: value },
        });
        expectError(answer, 422, 'common.validation_failed');
      }
    }
  });

  it('answers 4xx for top-level JSON that is not an object', async () => {
    for (const raw of ['[]', '"text"', '42', 'null', 'true', '[{"network":"testnet"}]']) {
      const answer = await send('POST', '/v1/works/init', raw);
      expectClientError(answer, raw);
    }
  });

  it('answers 422 for wrong types on session and admin bodies', async () => {
    const session = await t.call('POST', '/v1/sessions', {
      headers: { Origin: 'https://shop.example.com' },
      body: { secret_key: 12, action_type: ['register'], allowed_network: {} },
    });
    expectClientError(session, 'sessions');
    for (const [path, body] of [
      ['/_sandbox/organizations', { name: 5 }],
      [`/_sandbox/organizations/${org.orgId}/credits`, { network: 'testnet', amount: '5' }],
      [`/_sandbox/organizations/${org.orgId}/api-keys`, { name: 'k', scopes: 'works:read' }],
      [
        `/_sandbox/organizations/${org.orgId}/sites`,
        { name: 's', allowed_origins: 'a.example.com' },
      ],
      ['/_sandbox/clock/advance', { ms: '1000' }],
      ['/_sandbox/chain/testnet/blocks', { count: 'many' }],
    ] as const) {
      const answer = await t.call('POST', path, { body });
      expectClientError({ ...answer }, path);
    }
  });
});

describe('sizes and encodings (§2)', () => {
  it('answers 422 quickly for a 900 KB title', async () => {
    const started = performance.now();
    const answer = await t.call('POST', '/v1/works/init', {
      token: org.token,
      body: initBody({ title: 't'.repeat(900_000) }),
    });
    const error = expectError(answer, 422, 'common.validation_failed');
    expect(error.details.fields[0]).toMatchObject({ path: 'title', code: 'too_long' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('answers 4xx for a huge job_id, access code, ats_id and transaction id', async () => {
    const huge = 'a'.repeat(8_000);
    expectClientError(
      await send('POST', '/v1/works/prepare', JSON.stringify({ job_id: huge })),
      'job_id',
    );
    expectClientError(await send('GET', `/v1/access/atc_${huge}/work`, undefined), 'code');
    expectError(
      await t.call('GET', `/v1/works/${'9'.repeat(400)}`, { token: org.token }),
      404,
      'work.not_found',
    );
    expectError(await t.call('GET', `/v1/transactions/${huge}`), 404, 'transaction.not_found');
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d]],
    ['an overlong encoding', [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]],
    ['an encoded surrogate', [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]],
    ['a truncated sequence', [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d]],
    ['Latin-1 text', [0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]],
  ])('answers 400 common.bad_request for invalid UTF-8: %s', async (_label, bytes) => {
    const answer = await send('POST', '/v1/works/init', new Uint8Array(bytes));
    expectClientError(answer, 'utf8');
    const body = JSON.parse(answer.text);
    expect(body.error.code).toBe('common.bad_request');
    expect(typeof body.error.details.reason).toBe('string');
  });

  it('answers 400 for bad JSON, an empty body and a non-JSON content type', async () => {
    for (const raw of ['{', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', '{"a":1}}']) {
      const error = expectError(
        await t.call('POST', '/v1/works/init', {
          token: org.token,
          rawBody: raw,
          headers: { 'Content-Type': 'application/json' },
        }),
        400,
        'common.bad_request',
      );
      expect(error.details).toHaveProperty('reason');
    }
    expectError(
      await t.call('POST', '/v1/works/init', {
        token: org.token,
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'common.bad_request',
    );
    expectError(
      await t.call('POST', '/v1/works/init', {
        token: org.token,
        rawBody: JSON.stringify(initBody()),
        headers: { 'Content-Type': 'text/plain' },
      }),
      400,
      'common.bad_request',
    );
    expectError(
      await t.call('POST', '/v1/works/init', {
        token: org.token,
        rawBody: 'network=testnet&title=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      400,
      'common.bad_request',
    );
  });

  it('survives deeply nested JSON', async () => {
    const depth = 100_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expectClientError(await send('POST', '/v1/works/init', nested), 'nested arrays');
    const nestedObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    expectClientError(await send('POST', '/v1/works/init', nestedObject), 'nested objects');
    const creators = JSON.stringify(initBody()).replace(
      '"creators":[',
      `"creators":[${'['.repeat(5_000)}${']'.repeat(5_000)},`,
    );
    expectClientError(await send('POST', '/v1/works/init', creators), 'nested creators');
  });

  it('answers odd Authorization and X-Site-Key headers with 401', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      `Bearer ${'x'.repeat(8_000)}`,
      'bearer',
      'Token abc',
      `Bearer ${org.token} extra`,
    ]) {
      const answer = await send('GET', '/v1/works', undefined, { Authorization: authorization });
      expect(answer.status, authorization.slice(0, 30)).toBe(401);
      expectClientError(answer, authorization.slice(0, 30));
    }
    for (const siteKey of ['', 'cpk_', 'x'.repeat(4_000)]) {
      const answer = await send('GET', '/v1/works', undefined, {
        'X-Site-Key': siteKey,
        Authorization: 'Bearer a.b.c',
      });
      expect(answer.status).toBe(401);
    }
  });
});

describe('path tricks (§4, §5.2)', () => {
  it.each([
    '../x',
    'a/b',
    'a\\b',
    'x\u0000.wav',
    '.',
    '..',
    '../../../../etc/passwd',
    '..\\..\\boot.ini',
  ])('refuses filename %j with 422 at path filename', async (filename) => {
    const error = expectError(
      await t.call('POST', '/v1/works/init', { token: org.token, body: initBody({ filename }) }),
      422,
      'common.validation_failed',
    );
    expect(error.details.fields.map((f: { path: string }) => f.path)).toContain('filename');
  });

  it('answers 4xx for traversal and odd bytes in URL paths', async () => {
    const paths = [
      '/v1/works/..%2F..%2F_sandbox%2Fhealth',
      '/v1/works/%00',
      '/v1/works/1%00/versions',
      '/v1/transactions/%2e%2e',
      '/v1/transactions/..%5C..%5Cwindows',
      '/v1/access/..%2Fatc_/work',
      '/v1/organizations/..%2F..%2F/works',
      `/v1/works/${work.result.work_id}%2F..%2F..%2Fsecret/download/asset`,
      '/v1/works/%ff%fe/versions',
    ];
    for (const path of paths) {
      const answer = await rawRequest(`${t.sandbox.url}${path}`, {
        method: 'GET',
        headers: { Authorization: `Bearer ${org.token}` },
      });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${path}: ${answer.text}`).toBeLessThan(500);
    }
  });

  it('answers literal ../ in storage paths with a 4xx and never serves a file outside the store', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    const url = new URL(init.body.upload_url);
    for (const path of [
      `/_storage/uploads/../../../../etc/passwd${url.search}`,
      `/_storage/uploads/..%2F..%2F..%2Fetc%2Fpasswd${url.search}`,
      `/_storage/downloads/../../../etc/passwd${url.search}`,
      `/_storage/downloads/${work.result.work_id}/1/..%2F..%2F..%2Fetc%2Fpasswd${url.search}`,
      `/_storage/downloads/${work.result.work_id}/..%2F1/asset${url.search}`,
    ]) {
      for (const method of ['GET', 'PUT']) {
        const answer = await rawRequest(`${t.sandbox.url}${path}`, {
          method,
          chunks: method === 'PUT' ? [new Uint8Array(4)] : [],
        });
        expect(answer.status, `${method} ${path}: ${answer.text}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${method} ${path}`).toBeLessThan(500);
        expect(answer.text).not.toContain('root:');
      }
    }
  });
});

describe('tampered storage URLs (§5.2, §8.3)', () => {
  it('answers every seeded mutation of a signed upload URL with 403 S3 XML', async () => {
    const fuzz = generator(99);
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    const original = new URL(init.body.upload_url);
    const params = ['X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Signature'];
    for (let i = 0; i < 40; i++) {
      const url = new URL(original);
      const param = fuzz.pick(params);
      const value = url.searchParams.get(param)!;
      const at = fuzz.int(value.length);
      const replacement = fuzz.pick(['0', '9', 'a', 'Z', '', '%', 'ff']);
      if (value.slice(at, at + 1) === replacement) continue;
      url.searchParams.set(param, value.slice(0, at) + replacement + value.slice(at + 1));
      const answer = await putFile(url.toString(), audioBytes(8));
      expect(answer.status, `${param}: ${value} -> ${url.searchParams.get(param)}`).toBe(403);
      expect(answer.text).toMatch(/<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
    }
    // Duplicated and extra parameters are outside what is signed (method, key, date, expiry): the
    // answer may go either way, but never a 5xx.
    const doubled = `${init.body.upload_url}&X-Amz-Signature=${'0'.repeat(64)}&X-Amz-Date=x`;
    expect((await putFile(doubled, audioBytes(8))).status).toBeLessThan(500);
  });

  it('answers a mutated download URL with 403 S3 XML', async () => {
    const link = await t.call('GET', `/v1/works/${work.result.work_id}/download/asset`, {
      token: org.token,
    });
    const url = new URL(link.body.url);
    for (const mutate of [
      (u: URL) => u.searchParams.set('X-Amz-Signature', 'f'.repeat(64)),
      (u: URL) => u.searchParams.set('X-Amz-Expires', '999999'),
      (u: URL) => (u.pathname = u.pathname.replace('/1/', '/2/')),
      (u: URL) => (u.pathname = u.pathname.replace(/asset$/, 'certificate.json')),
      (u: URL) => u.searchParams.delete('X-Amz-Date'),
    ]) {
      const changed = new URL(url);
      mutate(changed);
      const response = await fetch(changed);
      const text = await response.text();
      expect(response.status, changed.toString()).toBe(403);
      expect(text).toMatch(/<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
    }
  });
});

describe('bad cursors and queries (§8.1)', () => {
  it('answers 400 common.bad_request (parameter after) for seeded random cursors', async () => {
    const fuzz = generator(5150);
    for (let i = 0; i < 40; i++) {
      let cursor = fuzz.randomString().slice(0, 300).replace(SURROGATES, '?');
      if (cursor === '') cursor = 'x';
      const answer = await t.call('GET', `/v1/works?after=${encodeURIComponent(cursor)}`, {
        token: org.token,
      });
      const error = expectError(answer, 400, 'common.bad_request');
      expect(error.details).toMatchObject({ parameter: 'after' });
    }
  });

  it('answers fuzzed list queries with 200 or a 4xx envelope', async () => {
    const fuzz = generator(31337);
    const keys = ['first', 'after', 'network', 'search', 'external_user_ref', 'first'];
    for (let i = 0; i < 60; i++) {
      const query = new URLSearchParams();
      for (let k = fuzz.int(4); k >= 0; k--) {
        const raw = fuzz.value(3);
        const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? 'null');
        query.append(fuzz.pick(keys), text.slice(0, 2_000).replace(SURROGATES, '?'));
      }
      const answer = await send('GET', `/v1/works?${query}`, undefined);
      expectNo5xx(answer, query.toString().slice(0, 120));
    }
    for (const query of [
      'first=1&first=2',
      'network=testnet&network=mainnet',
      'search=%25%5F',
      `search=${'%F0%9F%8E%B5'.repeat(500)}`,
    ]) {
      expectNo5xx(await send('GET', `/v1/works?${query}`, undefined), query.slice(0, 40));
    }
  });
});

describe('the server is still up', () => {
  it('answers health and a full registration after all of the above', async () => {
    expect((await t.call('GET', '/_sandbox/health')).body.status).toBe('ok');
    const again = await registerFinal(t, org.token);
    expect(again.result.success).toBe(true);
  });
});
