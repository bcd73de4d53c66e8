// The `file` of a registration as Node callers give it, and what the engine needs from it: the
// upload source, the name users will see, and a source that can be read again for hashing.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  AtsFileTooLargeError,
  AtsValidationError,
  type ByteStream,
  type UploadSource,
} from '@ats-kit/core';

/**
 * A file of known size as a stream: `stream` returns a fresh stream each time it is called, so a
 * failed upload can be sent again.
 */
export interface SizedFileStream {
  stream: () => Readable | ByteStream;
  size: number;
}

/**
 * What to register: a path or `file:` URL (read in one pass: uploaded and hashed together),
 * bytes, a `Blob`/`File`, or `{ stream: () => Readable, size }`.
 */
export type RegistrationFile = string | URL | Uint8Array | ArrayBuffer | Blob | SizedFileStream;

/**
 * The name users will see: the `filename` given, else the base name of a path or `file:` URL, else
 * a `File`'s name. Throws `AtsValidationError` on `filename` when none can be found.
 *
 * @example
 * filenameOf('./masters/song.wav', undefined); // 'song.wav'
 */
export function filenameOf(
  file: RegistrationFile | undefined,
  filename: string | undefined,
): string {
  if (filename !== undefined) return filename;
  if (typeof file === 'string' && file !== '') return basename(file);
  if (file instanceof URL && file.protocol === 'file:') return basename(fileURLToPath(file));
  const named = (file as { name?: unknown } | undefined)?.name;
  if (typeof Blob !== 'undefined' && file instanceof Blob && typeof named === 'string' && named) {
    return named;
  }
  throw new AtsValidationError('Invalid registration input', {
    issues: [
      {
        path: 'filename',
        code: 'required',
        message:
          'is required when file is not a path or a File: the name users will see, e.g. "song.wav"',
      },
    ],
  });
}

/**
 * The file as a source that can be read again (to hash it when resuming a job whose upload
 * happened in another process), or undefined for a one-shot stream.
 *
 * @example
 * const media = await rereadableSourceOf('./song.wav'); // { stream: () => createReadStream(...), size }
 */
export async function rereadableSourceOf(
  file: RegistrationFile,
): Promise<UploadSource | undefined> {
  if (typeof file === 'string' || file instanceof URL) {
    const path = file instanceof URL ? fileURLToPath(file) : file;
    try {
      const { size } = await stat(path);
      return { stream: () => createReadStream(path), size };
    } catch {
      // The engine reports an unreadable file where it matters; the check just runs without it.
      return undefined;
    }
  }
  if (typeof file === 'object' && file !== null && 'stream' in file) {
    return typeof file.stream === 'function' ? (file as UploadSource) : undefined;
  }
  return file;
}

/** Renames the engine's `media` field to `file` in a validation error, as callers know it. */
export function renameMediaIssues(error: unknown): unknown {
  // A file over the limit keeps its own class (and its size fields).
  if (!AtsValidationError.is(error) || AtsFileTooLargeError.is(error)) return error;
  if (!error.issues.some((issue) => /^media\b/.test(issue.path))) return error;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.replace(/^media\b/, 'file'),
  }));
  return new AtsValidationError('Invalid registration input', { issues, cause: error });
}
