import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InitWorkInputSchema } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaFile, checkRequestFields, creatorsFromFlags, flagForField } from './work-input';

const ADA = 'Ada <ada@example.com> author';

describe('creatorsFromFlags', () => {
  it('requires at least one --creator', () => {
    expect(() => creatorsFromFlags(undefined)).toThrow(/--creator is required/);
  });

  it('gives --ipi and --isni to the only creator', () => {
    expect(creatorsFromFlags([ADA], { ipi: '123', isni: '000000012146438X' })[0]).toMatchObject({
      ipi: '123',
      isni: '000000012146438X',
    });
  });

  it('refuses --ipi with several creators, pointing to ipi= inside --creator', () => {
    expect(() => creatorsFromFlags([ADA, 'Bob <bob@example.com> composer'], { ipi: '1' })).toThrow(
      /--ipi applies to a single creator; with 2 creators write ipi=… inside each --creator/,
    );
  });
});

describe('checkRequestFields', () => {
  it('lists every problem under the flag that sets it', () => {
    let message = '';
    try {
      checkRequestFields(InitWorkInputSchema, {
        network: 'testnet',
        title: 'x'.repeat(256),
        filename: 'song.wav',
        creators: [
          { full_name: 'Ada', email: 'ada@example.com', roles: ['author'] },
          { full_name: 'Bob', email: 'not-an-email', roles: ['author'], isni: '123' },
        ],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid options:/);
    expect(message).toMatch(/--title: /);
    expect(message).toMatch(/--creator #2 \(email\): must look like name@example\.com/);
    expect(message).toMatch(/--creator #2 \(isni\): /);
  });

  it('passes a valid body', () => {
    expect(() =>
      checkRequestFields(InitWorkInputSchema, {
        network: 'mainnet',
        title: 'Song',
        filename: 'song.wav',
        creators: creatorsFromFlags([ADA]),
      }),
    ).not.toThrow();
  });
});

describe('flagForField', () => {
  it.each([
    ['title', '--title'],
    ['external_user_ref', '--external-user-ref'],
    ['creators', '--creator'],
    ['creators[0]', '--creator #1'],
    ['creators[4].roles', '--creator #5 (roles)'],
    ['something.else', 'something.else'],
  ])('%s → %s', (path, flag) => {
    expect(flagForField(path)).toBe(flag);
  });
});

describe('checkMediaFile', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ats-cli-media-'));
    await writeFile(join(folder, 'song.wav'), new Uint8Array(10));
    await writeFile(join(folder, 'empty.wav'), new Uint8Array(0));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('returns the absolute path, size and base name', async () => {
    expect(await checkMediaFile(join(folder, 'song.wav'), '<file>')).toEqual({
      path: join(folder, 'song.wav'),
      sizeBytes: 10,
      basename: 'song.wav',
    });
  });

  it('refuses a missing file, an empty file and a folder, naming the argument', async () => {
    await expect(checkMediaFile(join(folder, 'nope.wav'), '<file>')).rejects.toThrow(
      /^<file>: no such file/,
    );
    await expect(checkMediaFile(join(folder, 'empty.wav'), '<file>')).rejects.toThrow(/is empty/);
    await expect(checkMediaFile(folder, '<file>')).rejects.toThrow(/is a folder/);
  });
});
