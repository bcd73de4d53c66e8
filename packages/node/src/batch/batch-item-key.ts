// The stable key of a batch item: what ties it to its journal lines across runs.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreatorInput } from '@ats-kit/core';
import type { RegistrationFile } from '../client/registration-file';

/** The fields a default key is derived from. */
export interface KeyedItem {
  key?: string | undefined;
  title: string;
  creators: readonly CreatorInput[];
  file: RegistrationFile;
}

/**
 * An item's key: its own `key`, else a hash of its file (the absolute path of a path or `file:`
 * URL, the content of bytes), its trimmed title and its creators, so the same item gets the same
 * key in the next run. Blobs and streams have no identity of their own: their default key is their
 * position, so give them a `key` when the list may change between runs.
 *
 * @example
 * batchItemKey({ title: 'Song', creators, file: './song.wav' }, 0); // 'c0ffee…' (32 hex)
 */
export function batchItemKey(item: KeyedItem, index: number): string {
  if (item.key !== undefined) return item.key;
  const file = item.file;
  let fileIdentity: string;
  if (typeof file === 'string') fileIdentity = `path:${resolve(file)}`;
  else if (file instanceof URL) {
    fileIdentity = file.protocol === 'file:' ? `path:${fileURLToPath(file)}` : `url:${file.href}`;
  } else if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file) : file;
    fileIdentity = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  } else {
    fileIdentity = `position:${index}`;
  }
  const title = typeof item.title === 'string' ? item.title.trim() : item.title;
  return createHash('sha256')
    .update(JSON.stringify([fileIdentity, title, item.creators]))
    .digest('hex')
    .slice(0, 32);
}
