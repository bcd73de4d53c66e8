import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { renderCertificatePdf } from '../certificates';
import type { SandboxContext } from '../context';
import type { Router } from '../http/router';
import { uploadObjectKey } from '../jobs/create-job';
import { findJob, isJobExpired, updateJob } from '../jobs/jobs';
import { findVersion } from '../works/works';
import { DOWNLOAD_URL_TTL_SECONDS, presign, verifyPresigned } from './presigned-url';
import { receiveUpload } from './receive-upload';
import { s3Error } from './s3-errors';

const STORAGE_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** What a download URL serves. */
export type DownloadObject = 'asset' | 'certificate.pdf' | 'certificate.json';

/**
 * Presigns a download (api.md §8.3): `<origin>/_storage/downloads/<work_id>/<version>/<object>`,
 * valid 15 minutes; the GET answers with `Content-Disposition: attachment`.
 *
 * @example
 * const { url, expires_at } = presignDownload(ctx, origin, workId, 2, 'certificate.pdf');
 */
export function presignDownload(
  ctx: SandboxContext,
  origin: string,
  workId: string,
  version: number,
  object: DownloadObject,
): { url: string; expires_at: string } {
  const key = downloadObjectKey(workId, version, object);
  const signed = presign(
    ctx.secrets.storageKey,
    'GET',
    key,
    ctx.clock.now(),
    DOWNLOAD_URL_TTL_SECONDS,
  );
  return {
    url: `${origin}/_storage/${key}?${signed.query}`,
    expires_at: new Date(signed.expiresAt).toISOString(),
  };
}

function downloadObjectKey(workId: string, version: number, object: DownloadObject): string {
  return `downloads/${workId}/${version}/${object}`;
}

/**
 * The fake object store (api.md §5.2, §8.3): presigned `PUT` uploads streamed to disk, presigned
 * `GET` downloads. Errors are S3-style XML.
 *
 * @example
 * registerStorageRoutes(router);
 */
export function registerStorageRoutes(router: Router): void {
  const { ctx } = router;
  for (const method of STORAGE_METHODS) {
    router.add(method, '/_storage/uploads/:jobId', (c) =>
      method === 'PUT' ? handleUpload(ctx, c) : wrongMethod(c),
    );
    router.add(method, '/_storage/downloads/:workId/:version/:object', (c) =>
      method === 'GET' || method === 'HEAD' ? handleDownload(ctx, c) : wrongMethod(c),
    );
  }
}

function wrongMethod(c: Context): Response {
  return s3Error(
    403,
    'SignatureDoesNotMatch',
    `The request signature does not match: this URL is signed for another method than ${c.req.method}.`,
    c.get('requestId'),
  );
}

async function handleUpload(ctx: SandboxContext, c: Context): Promise<Response> {
  const requestId = c.get('requestId') as string;
  const jobId = c.req.param('jobId')!;
  const url = new URL(c.req.url);
  const check = verifyPresigned(
    ctx.secrets.storageKey,
    'PUT',
    uploadObjectKey(jobId),
    url.searchParams,
    ctx.clock.now(),
  );
  if (!check.ok && check.reason === 'signature') {
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
      requestId,
    );
  }
  if (!check.ok) {
    return s3Error(
      403,
      'AccessDenied',
      'Request has expired; start again from init for a new upload URL.',
      requestId,
    );
  }
  const job = findJob(ctx.db, jobId);
  if (
    !job ||
    job.upload_closed === 1 ||
    job.state === 'prepared' ||
    job.state === 'confirmed' ||
    isJobExpired(job, ctx.clock.now())
  ) {
    return s3Error(
      403,
      'AccessDenied',
      'Access Denied: the job was prepared, confirmed or has expired.',
      requestId,
    );
  }
  const limit = job.max_file_size_bytes;
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) {
    return s3Error(
      400,
      'EntityTooLarge',
      `Your proposed upload exceeds the maximum allowed size of ${limit} bytes.`,
      requestId,
      { Connection: 'close' },
    );
  }

  const faults = ctx.faults;
  const failAfterBytes = faults.draw('upload_failure_rate')
    ? Math.max(1, Math.floor(Number(declared ?? '2') / 2))
    : null;
  const stallMs = faults.draw('upload_stall_rate') ? faults.current.upload_stall_ms : 0;
  const incoming = c.env.incoming;
  const tempPath = ctx.storage.tempPath();
  const outcome = await receiveUpload(incoming, tempPath, {
    maxBytes: limit,
    failAfterBytes,
    stallMs,
  });
  if (outcome.kind !== 'complete') {
    ctx.storage.remove(tempPath);
    if (outcome.kind === 'too_large') {
      return s3Error(
        400,
        'EntityTooLarge',
        `Your upload exceeds the maximum allowed size of ${limit} bytes.`,
        requestId,
        { Connection: 'close' },
      );
    }
    if (outcome.kind === 'storage_error') {
      ctx.log.error('upload storage failed', { job_id: jobId, error: outcome.error.message });
      return s3Error(
        500,
        'InternalError',
        'We encountered an internal error storing the upload. Please try again.',
        requestId,
        { Connection: 'close' },
      );
    }
    if (outcome.kind === 'injected_failure') {
      return s3Error(
        503,
        'SlowDown',
        'Please reduce your request rate (injected upload failure).',
        requestId,
        {
          'Retry-After': String(faults.current.retry_after_seconds),
          Connection: 'close',
        },
      );
    }
    return s3Error(
      400,
      'IncompleteBody',
      'The request body ended before its declared length.',
      requestId,
    );
  }

  const contentType = c.req.header('content-type') ?? 'application/octet-stream';
  const finalPath = ctx.storage.jobObjectPath(jobId);
  // Re-check and move into place in one synchronous step: a prepare that started meanwhile wins.
  const accepted = ctx.db.transaction(() => {
    const current = findJob(ctx.db, jobId);
    if (
      !current ||
      current.upload_closed === 1 ||
      current.state === 'prepared' ||
      current.state === 'confirmed'
    ) {
      return false;
    }
    ctx.storage.commit(tempPath, finalPath);
    updateJob(ctx.db, jobId, {
      state: 'uploaded',
      file_path: finalPath,
      size_bytes: outcome.sizeBytes,
      content_type: contentType,
      etag: outcome.md5Hex,
      media_hash: null,
    });
    return true;
  })();
  if (!accepted) {
    ctx.storage.remove(tempPath);
    return s3Error(
      403,
      'AccessDenied',
      'Access Denied: the job was prepared meanwhile.',
      requestId,
    );
  }
  return new Response(null, { status: 200, headers: { ETag: `"${outcome.md5Hex}"` } });
}

async function handleDownload(ctx: SandboxContext, c: Context): Promise<Response> {
  const requestId = c.get('requestId') as string;
  const workId = c.req.param('workId')!;
  const versionText = c.req.param('version')!;
  const object = c.req.param('object') as DownloadObject;
  const url = new URL(c.req.url);
  const check = verifyPresigned(
    ctx.secrets.storageKey,
    'GET',
    `downloads/${workId}/${versionText}/${object}`,
    url.searchParams,
    ctx.clock.now(),
  );
  if (!check.ok) {
    return check.reason === 'expired'
      ? s3Error(
          403,
          'AccessDenied',
          'Request has expired; ask the API for a new download URL.',
          requestId,
        )
      : s3Error(
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
          requestId,
        );
  }
  const version = findVersion(ctx.db, workId, Number(versionText));
  if (!version) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', requestId);

  if (object === 'asset') {
    if (!version.file_path)
      return s3Error(404, 'NoSuchKey', 'The file is not retained.', requestId);
    let size: number;
    try {
      size = statSync(version.file_path).size;
    } catch {
      return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', requestId);
    }
    const headers = {
      'Content-Type': version.content_type ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Content-Disposition': attachment(version.asset_filename),
      ETag: `"${version.media_hash.slice(2, 34)}"`,
    };
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
    const stream = Readable.toWeb(
      createReadStream(version.file_path),
    ) as ReadableStream<Uint8Array>;
    return new Response(stream, { status: 200, headers });
  }
  if (!version.certificate)
    return s3Error(404, 'NoSuchKey', 'The certificate is not issued yet.', requestId);
  const certificate = JSON.parse(version.certificate);
  const base = `certificate-${certificate.network}-${certificate.ats_id}-v${version.version}`;
  if (object === 'certificate.json') {
    return new Response(JSON.stringify(certificate, null, 2), {
      status: 200,
      headers: {
        'Content-Type': 'application/json',
        'Content-Disposition': attachment(`${base}.json`),
      },
    });
  }
  if (object === 'certificate.pdf') {
    const pdf = await renderCertificatePdf(certificate);
    return new Response(pdf as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': attachment(`${base}.pdf`),
      },
    });
  }
  return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', requestId);
}

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), safe for any file name. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
