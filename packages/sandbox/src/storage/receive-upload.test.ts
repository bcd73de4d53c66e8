import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceiveUploadOptions, receiveUpload, type UploadOutcome } from './receive-upload';

// A loopback server whose every request body goes through receiveUpload with the options of the
// test; each test gets the outcome and the temp file it was written to.
let server: Server;
let port: number;
let directory: string;
let options: ReceiveUploadOptions = { maxBytes: 1 };
let pending: ((result: { outcome: UploadOutcome; path: string }) => void) | null = null;
let uploads = 0;
let tempDirectory = () => directory;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'receive-upload-'));
  server = createServer((incoming, response) => {
    const path = join(tempDirectory(), `upload-${uploads++}`);
    void receiveUpload(incoming, path, options).then((outcome) => {
      pending?.({ outcome, path });
      response.setHeader('Connection', 'close');
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Sends `chunks` as a PUT body (declared length `contentLength`, or chunked), or only part of it
 * with `abortAfter` chunks; resolves with what receiveUpload reported.
 */
function upload(
  chunks: Uint8Array[],
  { contentLength, abortAfter }: { contentLength?: number; abortAfter?: number } = {},
) {
  const received = new Promise<{ outcome: UploadOutcome; path: string }>((resolve) => {
    pending = resolve;
  });
  const headers = contentLength === undefined ? {} : { 'Content-Length': contentLength };
  const client = request({ host: '127.0.0.1', port, method: 'PUT', path: '/', headers });
  client.on('error', () => {}); // cut on purpose, or by the server's early answer
  client.on('response', (response) => response.resume());
  if (abortAfter === undefined) {
    for (const chunk of chunks) client.write(chunk);
    client.end();
  } else {
    chunks.slice(0, abortAfter).forEach((chunk, i) => {
      // Cut the connection once the last chunk sent was handed to the socket.
      client.write(chunk, i === abortAfter - 1 ? () => client.destroy() : undefined);
    });
  }
  return received;
}

const md5Of = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('receiveUpload', () => {
  it('writes the whole body to the temp file and reports its size and MD5', async () => {
    options = { maxBytes: 10_000_000 };
    // 3.5 MiB: whole 1 MiB slabs and a partial last one.
    const body = randomBytes(3.5 * 1024 * 1024);
    const { outcome, path } = await upload([body], { contentLength: body.length });
    expect(outcome).toEqual({ kind: 'complete', sizeBytes: body.length, md5Hex: md5Of(body) });
    expect(readFileSync(path).equals(body)).toBe(true);
  });

  it('keeps the order through a body far larger than the slabs in flight', async () => {
    options = { maxBytes: 100_000_000 };
    const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024 + 17));
    const body = Buffer.concat(chunks);
    const { outcome, path } = await upload(chunks);
    expect(outcome).toEqual({ kind: 'complete', sizeBytes: body.length, md5Hex: md5Of(body) });
    expect(readFileSync(path).equals(body)).toBe(true);
  });

  it('stores an empty body as an empty file with the MD5 of nothing', async () => {
    options = { maxBytes: 10 };
    const { outcome, path } = await upload([], { contentLength: 0 });
    expect(outcome).toEqual({
      kind: 'complete',
      sizeBytes: 0,
      md5Hex: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(readFileSync(path).length).toBe(0);
  });

  it('stops as soon as the body passes maxBytes (too_large)', async () => {
    options = { maxBytes: 1000 };
    const { outcome } = await upload([randomBytes(600), randomBytes(600)]);
    expect(outcome).toEqual({ kind: 'too_large', receivedBytes: expect.any(Number) });
    expect((outcome as { receivedBytes: number }).receivedBytes).toBeGreaterThan(1000);
  });

  it('fails on purpose once failAfterBytes were read (injected_failure)', async () => {
    options = { maxBytes: 10_000_000, failAfterBytes: 50_000 };
    const body = randomBytes(100_000);
    const { outcome } = await upload([body], { contentLength: body.length });
    expect(outcome).toEqual({ kind: 'injected_failure' });
  });

  it('reports a body cut before its declared length as aborted', async () => {
    options = { maxBytes: 10_000_000 };
    const { outcome } = await upload([randomBytes(4000), randomBytes(4000)], {
      contentLength: 10_000,
      abortAfter: 1,
    });
    expect(outcome).toEqual({ kind: 'aborted' });
  });

  it('reports a temp file that cannot be created as storage_error', async () => {
    options = { maxBytes: 10_000_000 };
    tempDirectory = () => join(directory, 'missing-folder');
    try {
      const { outcome } = await upload([randomBytes(1000)], { contentLength: 1000 });
      expect(outcome).toMatchObject({ kind: 'storage_error', error: { code: 'ENOENT' } });
    } finally {
      tempDirectory = () => directory;
    }
  });

  it('reports an empty body whose temp file cannot be created as storage_error', async () => {
    options = { maxBytes: 10 };
    tempDirectory = () => join(directory, 'missing-folder');
    try {
      const { outcome } = await upload([], { contentLength: 0 });
      expect(outcome).toMatchObject({ kind: 'storage_error', error: { code: 'ENOENT' } });
    } finally {
      tempDirectory = () => directory;
    }
  });

  it('completes the body whole after an injected stall', async () => {
    options = { maxBytes: 10_000_000, stallMs: 1 };
    const chunks = [randomBytes(70_000), randomBytes(2 * 1024 * 1024)];
    const body = Buffer.concat(chunks);
    const { outcome, path } = await upload(chunks);
    expect(outcome).toEqual({ kind: 'complete', sizeBytes: body.length, md5Hex: md5Of(body) });
    expect(readFileSync(path).equals(body)).toBe(true);
  });
});
