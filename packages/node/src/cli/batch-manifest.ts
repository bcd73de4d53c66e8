import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import {
  type CreatorInput,
  InitWorkInputSchema,
  MAX_ASSET_SIZE_BYTES,
  type Network,
  toFieldErrors,
} from '@ats-kit/core';
import { parse } from 'csv-parse/sync';
import { CliUsageError } from './cli-errors';
import { parseCreatorList } from './creator-spec';

// The list of works `ats batch` registers: a CSV with a header row, or JSON Lines. File paths are
// relative to the manifest's folder, so a folder of audio files and its CSV travel together.

/** One work to register, checked. */
export interface BatchManifestItem {
  /** The journal key: the `key` column, else `<file as written>|<title>`. */
  key: string;
  title: string;
  creators: CreatorInput[];
  /** Absolute path. */
  file: string;
  filename?: string;
  network?: Network;
  externalUserRef?: string;
  /** Where the item was written (`works.csv:3`), for messages. */
  source: string;
}

/** The CSV columns, in the order the README documents them; the last three are optional. */
export const BATCH_CSV_COLUMNS = [
  'file',
  'title',
  'creators',
  'network',
  'external_user_ref',
  'filename',
  'key',
] as const;
const REQUIRED_COLUMNS = ['file', 'title', 'creators'];
const MAX_REPORTED_PROBLEMS = 20;

/**
 * Reads and checks a batch manifest: `.csv` (header `file,title,creators[,network,
 * external_user_ref,filename,key]`, creators as `Name <email> roles; Name <email> roles`) or
 * `.jsonl` (one object a line with the same fields; `creators` may also be an array of API
 * creators). Every row is checked (fields, file present and non-empty) before anything is sent;
 * all problems are reported together in one `CliUsageError`.
 *
 * @example
 * const items = await readBatchManifest('works.csv');
 */
export async function readBatchManifest(path: string): Promise<BatchManifestItem[]> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliUsageError(
      `<manifest>: ${code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code})`}`,
    );
  }
  const extension = extname(absolute).toLowerCase();
  const name = basename(absolute);
  let rows: { source: string; fields: Record<string, unknown> }[];
  if (extension === '.csv') rows = csvRows(text, name);
  else if (extension === '.jsonl' || extension === '.ndjson') rows = jsonLines(text, name);
  else {
    throw new CliUsageError(
      `<manifest>: ${name} must end in .csv or .jsonl (one JSON object per line)`,
    );
  }
  if (rows.length === 0) throw new CliUsageError(`<manifest>: ${name} lists no works`);

  const folder = dirname(absolute);
  const problems: string[] = [];
  const items: BatchManifestItem[] = [];
  const keys = new Map<string, string>();
  for (const row of rows) {
    try {
      const item = await checkRow(row.fields, row.source, folder);
      const first = keys.get(item.key);
      if (first) {
        throw new CliUsageError(
          `${row.source}: same key as ${first} (${item.key}); give each row its own key column`,
        );
      }
      keys.set(item.key, row.source);
      items.push(item);
    } catch (error) {
      if (!(error instanceof CliUsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const more = problems.length - shown.length;
    throw new CliUsageError(
      `${name}: ${problems.length} row${problems.length === 1 ? '' : 's'} to fix; nothing was sent:\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}`,
    );
  }
  return items;
}

function csvRows(text: string, name: string) {
  let records: { info: { lines: number }; record: Record<string, string> }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as never;
  } catch (error) {
    throw new CliUsageError(`${name}: not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const unknown = header.filter(
    (column) => !(BATCH_CSV_COLUMNS as readonly string[]).includes(column),
  );
  if (unknown.length > 0) {
    throw new CliUsageError(
      `${name}: unknown column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; the columns are ${BATCH_CSV_COLUMNS.join(', ')}`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (records.length > 0 && missing.length > 0) {
    throw new CliUsageError(
      `${name}: the header lacks ${missing.join(', ')} (needed: file,title,creators)`,
    );
  }
  return records.map(({ info, record }) => ({ source: `${name}:${info.lines}`, fields: record }));
}

function jsonLines(text: string, name: string) {
  const rows: { source: string; fields: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const source = `${name}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CliUsageError(`${source}: not valid JSON; each line must be one JSON object`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliUsageError(`${source}: each line must be a JSON object such as {"file": …}`);
    }
    rows.push({ source, fields: value as Record<string, unknown> });
  });
  return rows;
}

async function checkRow(
  fields: Record<string, unknown>,
  source: string,
  folder: string,
): Promise<BatchManifestItem> {
  const text = (field: string): string | undefined => {
    const value = fields[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new CliUsageError(`${source}: ${field} must be text`);
    return value;
  };
  const file = text('file');
  const title = text('title');
  if (!file) throw new CliUsageError(`${source}: file is empty; give the audio file's path`);
  if (!title) throw new CliUsageError(`${source}: title is empty`);
  const rawCreators = fields.creators;
  let creators: CreatorInput[];
  if (typeof rawCreators === 'string') creators = parseCreatorList(rawCreators, source);
  else if (Array.isArray(rawCreators)) creators = rawCreators as CreatorInput[];
  else {
    throw new CliUsageError(
      `${source}: creators is missing; write "Name <email> roles; Name <email> roles"`,
    );
  }
  const network = text('network');
  if (network !== undefined && network !== 'testnet' && network !== 'mainnet') {
    throw new CliUsageError(`${source}: network must be testnet or mainnet (got ${network})`);
  }
  const externalUserRef = text('external_user_ref') ?? text('externalUserRef');
  const path = resolve(folder, file);
  const filename = text('filename') ?? basename(path);
  const result = InitWorkInputSchema.safeParse({
    network: network ?? 'testnet',
    title,
    filename,
    creators,
    ...(externalUserRef !== undefined ? { external_user_ref: externalUserRef } : {}),
  });
  if (!result.success) {
    const messages = toFieldErrors(result.error).map((field) => field.message);
    throw new CliUsageError(`${source}: ${messages.join('; ')}`);
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliUsageError(`${source}: ${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(
      `${source}: no such file: ${file} (paths are relative to the manifest)`,
    );
  }
  if (size === 0) throw new CliUsageError(`${source}: ${file} is empty`);
  if (size > MAX_ASSET_SIZE_BYTES) {
    throw new CliUsageError(`${source}: ${file} is ${size} bytes, over the 500,000,000-byte limit`);
  }
  return {
    key: text('key') ?? `${file}|${title}`,
    title,
    creators,
    file: path,
    ...(text('filename') !== undefined ? { filename } : {}),
    ...(network !== undefined ? { network } : {}),
    ...(externalUserRef !== undefined ? { externalUserRef } : {}),
    source,
  };
}
