import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatchManifest } from './batch-manifest';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ats-cli-batch-'));
  await mkdir(join(folder, 'audio'));
  await writeFile(join(folder, 'audio', 'a.wav'), new Uint8Array(4));
  await writeFile(join(folder, 'audio', 'b.wav'), new Uint8Array(4));
  await writeFile(join(folder, 'audio', 'empty.wav'), new Uint8Array(0));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function manifest(name: string, text: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, text);
  return path;
}

describe('readBatchManifest, CSV', () => {
  it('reads rows with quoted fields, paths relative to the manifest and optional columns', async () => {
    const path = await manifest(
      'works.csv',
      [
        'file,title,creators,network,external_user_ref',
        'audio/a.wav,"Song, part 1","Ada <ada@example.com> author,composer; Bob <bob@example.com> arranger",mainnet,user-7',
        'audio/b.wav,Song 2,Ada <ada@example.com> author,,',
      ].join('\n'),
    );
    const items = await readBatchManifest(path);
    expect(items).toEqual([
      {
        key: 'audio/a.wav|Song, part 1',
        title: 'Song, part 1',
        creators: [
          { full_name: 'Ada', email: 'ada@example.com', roles: ['author', 'composer'] },
          { full_name: 'Bob', email: 'bob@example.com', roles: ['arranger'] },
        ],
        file: join(folder, 'audio', 'a.wav'),
        network: 'mainnet',
        externalUserRef: 'user-7',
        source: 'works.csv:2',
      },
      {
        key: 'audio/b.wav|Song 2',
        title: 'Song 2',
        creators: [{ full_name: 'Ada', email: 'ada@example.com', roles: ['author'] }],
        file: join(folder, 'audio', 'b.wav'),
        source: 'works.csv:3',
      },
    ]);
  });

  it('reports every bad row at once, each with its line, and sends nothing', async () => {
    const path = await manifest(
      'bad.csv',
      [
        'file,title,creators,network',
        'audio/missing.wav,A,Ada <ada@example.com> author,testnet',
        'audio/a.wav,B,Ada <ada@example.com> singer,testnet',
        'audio/empty.wav,C,Ada <ada@example.com> author,testnet',
        'audio/a.wav,D,Ada <ada@example.com> author,moonnet',
        'audio/a.wav,E,Ada <not-an-email> author,testnet',
      ].join('\n'),
    );
    const failure = readBatchManifest(path);
    await expect(failure).rejects.toThrow(/bad\.csv: 5 rows to fix; nothing was sent/);
    await expect(failure).rejects.toThrow(/bad\.csv:2: no such file: audio\/missing\.wav/);
    await expect(failure).rejects.toThrow(/bad\.csv:3, creator 1: "singer" is not a role/);
    await expect(failure).rejects.toThrow(/bad\.csv:4: audio\/empty\.wav is empty/);
    await expect(failure).rejects.toThrow(/bad\.csv:5: network must be testnet or mainnet/);
    await expect(failure).rejects.toThrow(/bad\.csv:6: creators\[0\]\.email: must look like/);
  });

  it('refuses unknown columns (a typo would silently drop data) and a missing required one', async () => {
    await expect(
      readBatchManifest(await manifest('typo.csv', 'file,title,creator\naudio/a.wav,A,x\n')),
    ).rejects.toThrow(/unknown column creator; the columns are file, title, creators/);
    await expect(
      readBatchManifest(await manifest('short.csv', 'file,title\naudio/a.wav,A\n')),
    ).rejects.toThrow(/the header lacks creators/);
  });

  it('refuses two rows with the same key', async () => {
    const path = await manifest(
      'dup.csv',
      'file,title,creators\naudio/a.wav,A,Ada <ada@example.com> author\naudio/a.wav,A,Ada <ada@example.com> author\n',
    );
    await expect(readBatchManifest(path)).rejects.toThrow(/dup\.csv:3: same key as dup\.csv:2/);
  });
});

describe('readBatchManifest, JSON Lines', () => {
  it('accepts creators as API objects or as the CSV text form', async () => {
    const path = await manifest(
      'works.jsonl',
      [
        JSON.stringify({
          file: 'audio/a.wav',
          title: 'A',
          key: 'first',
          creators: [{ full_name: 'Ada', email: 'ada@example.com', roles: { author: true } }],
        }),
        '',
        JSON.stringify({
          file: 'audio/b.wav',
          title: 'B',
          creators: 'Bob <bob@example.com> adapter',
        }),
      ].join('\n'),
    );
    const items = await readBatchManifest(path);
    expect(items.map((item) => [item.key, item.source, item.creators[0]?.full_name])).toEqual([
      ['first', 'works.jsonl:1', 'Ada'],
      ['audio/b.wav|B', 'works.jsonl:3', 'Bob'],
    ]);
  });

  it('names the line of invalid JSON', async () => {
    const path = await manifest('broken.jsonl', '{"file": "audio/a.wav"\n');
    await expect(readBatchManifest(path)).rejects.toThrow(/broken\.jsonl:1: not valid JSON/);
  });
});

it('refuses other extensions', async () => {
  await expect(readBatchManifest(await manifest('works.txt', 'x'))).rejects.toThrow(
    /must end in \.csv or \.jsonl/,
  );
});
