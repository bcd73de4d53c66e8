import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the fake answers next. */
export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A tiny stand-in for `POST /v1/sessions` on 127.0.0.1, recording what it receives. */
export interface FakeSessionsApi {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Sets the answer to every following request. */
  answerWith(answer: FakeAnswer): void;
  close(): Promise<void>;
}

export const FAKE_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';

export async function startFakeSessionsApi(): Promise<FakeSessionsApi> {
  const requests: RecordedRequest[] = [];
  let answer: FakeAnswer = {
    status: 200,
    body: { token: FAKE_TOKEN, expires_in: 300 },
    headers: { 'x-request-id': 'req_000000000000000000000001' },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** An ATS error envelope, as §2.2 writes it. */
export function errorEnvelope(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): { error: Record<string, unknown> } {
  return {
    error: {
      code,
      message,
      ...(details ? { details } : {}),
      request_id: 'req_5f0c2a9e41b7d3c8a6e0f192',
    },
  };
}
