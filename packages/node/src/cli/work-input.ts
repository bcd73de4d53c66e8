import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type CreatorInput, MAX_ASSET_SIZE_BYTES, toFieldErrors } from '@ats-kit/core';
import { CliUsageError } from './cli-errors';
import { parseCreatorSpec } from './creator-spec';

// Local checks of what a command will send, so that a mistake is reported with the flag to fix
// before any request, upload or debit. The field rules are core's request schemas.

/** A file on disk, checked: readable, not empty, within the platform's 500 MB. */
export interface MediaFile {
  /** Absolute path. */
  path: string;
  sizeBytes: number;
  /** The file's base name: the default `--filename`. */
  basename: string;
}

/**
 * Checks that `path` is a readable, non-empty regular file of at most 500,000,000 bytes, and
 * throws `CliUsageError` naming `label` (the argument, e.g. `<file>`) otherwise.
 *
 * @example
 * const media = await checkMediaFile('song.wav', '<file>');
 */
export async function checkMediaFile(path: string, label: string): Promise<MediaFile> {
  const absolute = resolve(path);
  let size: number;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw new CliUsageError(`${label}: ${path} is a folder, not a file`);
    size = info.size;
    await access(absolute, constants.R_OK);
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliUsageError(`${label}: no such file: ${path}`);
    if (code === 'EACCES') throw new CliUsageError(`${label}: ${path} is not readable`);
    throw new CliUsageError(`${label}: cannot read ${path} (${code ?? String(error)})`);
  }
  if (size === 0) throw new CliUsageError(`${label}: ${path} is empty; choose the audio file`);
  if (size > MAX_ASSET_SIZE_BYTES) {
    throw new CliUsageError(
      `${label}: ${path} is ${size.toLocaleString('en-US')} bytes, over the limit of ` +
        `${MAX_ASSET_SIZE_BYTES.toLocaleString('en-US')} bytes (500 MB)`,
    );
  }
  return { path: absolute, sizeBytes: size, basename: basename(absolute) };
}

/** `--ipi` / `--isni` given beside the `--creator` values. */
export interface CreatorIdentifierFlags {
  ipi?: string | undefined;
  isni?: string | undefined;
}

/**
 * Parses the repeated `--creator` values. `--ipi` / `--isni` set the identifiers of the only
 * creator; with several creators they must be written inside each `--creator` (`ipi=…`).
 *
 * @example
 * creatorsFromFlags(['Ada <ada@example.com> author'], { ipi: '00052210040' });
 */
export function creatorsFromFlags(
  specs: readonly string[] | undefined,
  identifiers: CreatorIdentifierFlags = {},
): CreatorInput[] {
  if (!specs || specs.length === 0) {
    throw new CliUsageError(
      '--creator is required (repeat it for each creator): --creator "Full Name <email> author,composer"',
    );
  }
  const creators = specs.map((spec, index) => parseCreatorSpec(spec, `--creator #${index + 1}`));
  for (const key of ['ipi', 'isni'] as const) {
    const value = identifiers[key];
    if (value === undefined) continue;
    if (creators.length > 1) {
      throw new CliUsageError(
        `--${key} applies to a single creator; with ${creators.length} creators write ${key}=… inside each --creator`,
      );
    }
    const only = creators[0]!;
    if (only[key] !== undefined && only[key] !== value) {
      throw new CliUsageError(`--${key} and ${key}= inside --creator disagree; give it once`);
    }
    only[key] = value;
  }
  return creators;
}

/** The part of a zod schema used here. */
interface RequestSchema {
  safeParse(
    value: unknown,
  ): { success: true } | { success: false; error: Parameters<typeof toFieldErrors>[0] };
}

/**
 * Checks a request body with its core schema and throws one `CliUsageError` listing every
 * problem, each under the flag that sets it (`--title`, `--creator #2 (email)`, …).
 *
 * @example
 * checkRequestFields(InitWorkInputSchema, { network, title, filename, creators });
 */
export function checkRequestFields(schema: RequestSchema, body: Record<string, unknown>): void {
  const result = schema.safeParse(body);
  if (result.success) return;
  const lines = toFieldErrors(result.error).map((field) => {
    const message = field.message.startsWith(`${field.path}: `)
      ? field.message.slice(field.path.length + 2)
      : field.message;
    return `  ${flagForField(field.path)}: ${message}`;
  });
  throw new CliUsageError(`Invalid options:\n${lines.join('\n')}`);
}

/**
 * The flag that sets a request field: `title` → `--title`, `creators[1].email` →
 * `--creator #2 (email)`. Unknown paths are returned as they are.
 *
 * @example
 * flagForField('creators[0].isni'); // '--creator #1 (isni)'
 */
export function flagForField(path: string): string {
  const creator = /^creators\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (creator) {
    const label = `--creator #${Number(creator[1]) + 1}`;
    return creator[2] ? `${label} (${creator[2]})` : label;
  }
  const flags: Record<string, string> = {
    title: '--title',
    filename: '--filename',
    creators: '--creator',
    network: '--network',
    external_user_ref: '--external-user-ref',
    file: '<file>',
  };
  return flags[path] ?? path;
}
