// The protocol's input rules, as computeCommitment enforces them (commitment.md, "Inputs").
import { describe, expect, it } from 'vitest';
import { AtsValidationError, type ValidationIssue } from '../errors';
import { commitmentFromParts, computeCommitment, creatorLeaf } from './commitment';
import type { CommitmentCreator, CommitmentInput } from './model';

const media = new TextEncoder().encode('some audio');
const alice: CommitmentCreator = {
  full_name: 'Alice',
  email: 'alice@example.com',
  roles: { author: true },
  ipi: '00012345678',
  isni: '000000012103268X',
};

function creators(count: number): CommitmentCreator[] {
  return Array.from({ length: count }, (_, i) => ({ ...alice, full_name: `Creator ${i}` }));
}

async function issuesOf(input: unknown, m: unknown = media): Promise<ValidationIssue[]> {
  const error = await computeCommitment(input as CommitmentInput, m as Uint8Array).catch(
    (e: unknown) => e,
  );
  if (!AtsValidationError.is(error)) throw new Error(`expected AtsValidationError, got ${error}`);
  return error.issues;
}

describe('computeCommitment input rules', () => {
  it('accepts 1 and 32 creators', async () => {
    await expect(
      computeCommitment({ title: 'T', creators: creators(1) }, media),
    ).resolves.toBeDefined();
    await expect(
      computeCommitment({ title: 'T', creators: creators(32) }, media),
    ).resolves.toBeDefined();
  });

  it('rejects 33 creators: the tree has 32 slots', async () => {
    expect(await issuesOf({ title: 'T', creators: creators(33) })).toEqual([
      {
        path: 'creators',
        code: 'too_many',
        message: 'must list at most 32 creators (the commitment tree has 32 slots), got 33',
      },
    ]);
  });

  it('rejects no creators and an empty title', async () => {
    expect(await issuesOf({ title: '', creators: [] })).toEqual([
      { path: 'title', code: 'required', message: 'must not be empty' },
      { path: 'creators', code: 'too_few', message: 'must list at least one creator' },
    ]);
  });

  it('names each bad creator field with its path, in one error', async () => {
    const bad = [
      alice,
      { ...alice, full_name: '', email: '' },
      { ...alice, ipi: '123456789012', isni: '000000012103268x' },
      { ...alice, roles: {} },
      { ...alice, roles: [] },
      { ...alice, roles: ['author', 'singer'] },
      { ...alice, roles: { author: false, composr: true } },
      { ...alice, ipi: '12a' },
      { ...alice, isni: '123' },
    ];
    const issues = await issuesOf({ title: 'T', creators: bad });
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      'creators[1].full_name required',
      'creators[1].email required',
      'creators[2].ipi invalid_format',
      'creators[2].isni invalid_format',
      'creators[3].roles too_few',
      'creators[4].roles too_few',
      'creators[5].roles[1] invalid_value',
      'creators[6].roles.composr invalid_value',
      'creators[7].ipi invalid_format',
      'creators[8].isni invalid_format',
    ]);
  });

  it('says what a field must be, in the error message', async () => {
    const input = {
      title: 'T',
      creators: [alice, alice, { ...alice, isni: '0000-0001-2103-268X' }],
    };
    await expect(computeCommitment(input, media)).rejects.toThrow(
      'Invalid commitment input: creators[2].isni: must be 16 characters 0-9 or X',
    );
    const ipi = { title: 'T', creators: [{ ...alice, ipi: '' }] };
    await expect(computeCommitment(ipi, media)).rejects.toThrow(
      'creators[0].ipi: must be 1 to 11 ASCII digits',
    );
  });

  it('treats null and missing ipi/isni as absent', async () => {
    const a = await computeCommitment(
      { title: 'T', creators: [{ ...alice, ipi: null, isni: null }] },
      media,
    );
    const { ipi: _ipi, isni: _isni, ...bare } = alice;
    const b = await computeCommitment({ title: 'T', creators: [bare] }, media);
    expect(a.commitment).toBe(b.commitment);
  });

  it('does not apply the API caps: a 1000-character title and name are fine', async () => {
    const long = 'x'.repeat(1000);
    await expect(
      computeCommitment({ title: long, creators: [{ ...alice, full_name: long }] }, media),
    ).resolves.toBeDefined();
  });

  it('does not trim: surrounding spaces change the commitment', async () => {
    const a = await computeCommitment({ title: 'Song', creators: [alice] }, media);
    const b = await computeCommitment({ title: ' Song', creators: [alice] }, media);
    const c = await computeCommitment(
      { title: 'Song', creators: [{ ...alice, email: ` ${alice.email}` }] },
      media,
    );
    expect(new Set([a.commitment, b.commitment, c.commitment]).size).toBe(3);
  });

  it('rejects wrong types with invalid_type', async () => {
    const issues = await issuesOf({
      title: 42,
      creators: [{ ...alice, full_name: null, roles: 'author', ipi: 12345 }, 'bob'],
    });
    expect(issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      'title invalid_type',
      'creators[0].full_name required',
      'creators[0].roles invalid_type',
      'creators[0].ipi invalid_type',
      'creators[1] invalid_type',
    ]);
    expect(await issuesOf(null)).toEqual([
      { path: '', code: 'invalid_type', message: 'must be an object { title, creators }' },
    ]);
  });

  it('rejects text with an unpaired surrogate, which has no UTF-8 form', async () => {
    const issues = await issuesOf({ title: 'bad \uD83D', creators: [alice] });
    expect(issues).toEqual([expect.objectContaining({ path: 'title', code: 'invalid_value' })]);
  });

  it('rejects empty media, from bytes, a Blob, a stream or a precomputed size', async () => {
    const input = { title: 'T', creators: [alice] };
    const empty = { path: 'media', code: 'required', message: 'must not be empty (0 bytes)' };
    expect(await issuesOf(input, new Uint8Array())).toEqual([empty]);
    expect(await issuesOf(input, new Blob([]))).toEqual([empty]);
    expect(await issuesOf(input, new Blob([]).stream())).toEqual([empty]);
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(await issuesOf(input, { mediaHash: hash, sizeBytes: 0 })).toEqual([empty]);
  });

  it('reports input problems before reading any media', async () => {
    let read = false;
    const stream = (async function* () {
      read = true;
      yield media;
    })();
    await issuesOf({ title: '', creators: [alice] }, stream);
    expect(read).toBe(false);
  });

  it('rejects a precomputed media hash that is not 32 bytes of hex', async () => {
    expect(await issuesOf({ title: 'T', creators: [alice] }, { mediaHash: 'abc' })).toEqual([
      expect.objectContaining({ path: 'media.mediaHash', code: 'invalid_format' }),
    ]);
  });
});

describe('validation of the smaller functions', () => {
  it('creatorLeaf names fields under creator', () => {
    expect(() => creatorLeaf({ ...alice, roles: [] })).toThrow(
      /creator\.roles: must include at least one of author, composer, arranger, adapter/,
    );
  });

  it('commitmentFromParts checks the hashes and the title', () => {
    expect(() => commitmentFromParts({ mediaHash: 'ab', title: '', merkleRoot: '00' })).toThrow(
      /mediaHash: must be a 32-byte hash.*title: must not be empty.*merkleRoot: must be a 32-byte hash/,
    );
  });
});
