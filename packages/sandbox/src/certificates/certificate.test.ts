import { readFileSync } from 'node:fs';
import {
  CertificateSchema,
  type CommitmentCreator,
  commitmentFromParts,
  computeMerkleRoot,
  creatorLeaf,
} from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { buildCertificate, type CertificateData } from './certificate';

interface VectorCase {
  name: string;
  title: string;
  creators: CommitmentCreator[];
  expected: {
    media_hash: string;
    creator_leaves: string[];
    merkle_root: string;
    commitment: string;
  };
}

// The in-repo copy of the protocol vectors (core owns them).
const vectors: { cases: VectorCase[] } = JSON.parse(
  readFileSync(new URL('../../../core/test/vectors/commitment-v1.json', import.meta.url), 'utf8'),
);

function dataFor(vector: VectorCase, overrides: Partial<CertificateData> = {}): CertificateData {
  return {
    network: 'testnet',
    atsId: 7,
    workId: '0b8f9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
    version: 1,
    title: vector.title,
    assetFilename: 'song.wav',
    sizeBytes: 17,
    creators: vector.creators,
    mediaHash: vector.expected.media_hash,
    txHash: `0x${'3b'.repeat(32)}`,
    blockNumber: 12,
    blockHash: `0x${'81'.repeat(32)}`,
    registeredAt: Date.UTC(2026, 3, 30, 11, 0, 26),
    owner: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    issuedAt: Date.UTC(2026, 3, 30, 11, 0, 26),
    ...overrides,
  };
}

const strip = (hex: string) => hex.replace(/^0x/, '');

describe('buildCertificate', () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))(
    'matches the protocol vector %s',
    (_name, vector) => {
      const cert = buildCertificate(dataFor(vector));
      expect(cert.commitment).toBe(`0x${vector.expected.commitment}`);
      expect(cert.merkle_root).toBe(`0x${vector.expected.merkle_root}`);
      expect(cert.media_hash).toBe(`0x${vector.expected.media_hash}`);
      expect(cert.creator_leaves).toEqual(vector.expected.creator_leaves.map((l) => `0x${l}`));
      expect(cert.creators).toEqual(
        vector.creators.map((c) => ({ ...c, ipi: c.ipi ?? null, isni: c.isni ?? null })),
      );
    },
  );

  it('re-verifies offline from the certificate alone, without the media', () => {
    const vector = vectors.cases[1]!;
    const cert = JSON.parse(JSON.stringify(buildCertificate(dataFor(vector))));
    expect(strip(cert.merkle_root)).toBe(computeMerkleRoot(cert.creators));
    expect(cert.creator_leaves.map(strip)).toEqual(cert.creators.map(creatorLeaf));
    expect(
      commitmentFromParts({
        mediaHash: cert.media_hash,
        title: cert.title,
        merkleRoot: cert.merkle_root,
      }),
    ).toBe(strip(cert.commitment));
  });

  it('has exactly the §8.3 fields, in order, and parses with core CertificateSchema', () => {
    const cert = buildCertificate(dataFor(vectors.cases[0]!));
    expect(Object.keys(cert)).toEqual([
      'certificate_version',
      'protocol_version',
      'network',
      'ats_id',
      'work_id',
      'version',
      'title',
      'asset_filename',
      'size_bytes',
      'creators',
      'creator_leaves',
      'media_hash',
      'merkle_root',
      'commitment',
      'tx_hash',
      'block_number',
      'block_hash',
      'registered_at',
      'explorer_url',
      'owner',
      'issued_at',
    ]);
    expect(cert).toMatchObject({
      certificate_version: 1,
      protocol_version: 1,
      registered_at: '2026-04-30T11:00:26.000Z',
      explorer_url: `https://explorer.allfeat.org/tx/0x${'3b'.repeat(32)}?network=testnet`,
    });
    expect(CertificateSchema.safeParse(cert).success).toBe(true);
  });

  it('writes roles as lowercase names in tag order from the wire boolean object', () => {
    const vector = vectors.cases[1]!;
    const creators: CommitmentCreator[] = [
      { ...vector.creators[0]!, roles: { composer: true, author: true, adapter: false } },
      { ...vector.creators[1]!, roles: { adapter: true, arranger: true } },
    ];
    const cert = buildCertificate(dataFor(vector, { creators }));
    expect(cert.creators.map((c) => c.roles)).toEqual([
      ['author', 'composer'],
      ['arranger', 'adapter'],
    ]);
    expect(cert.commitment).toBe(`0x${vector.expected.commitment}`);
  });

  it('accepts matching stored hashes and refuses ones that would not verify', () => {
    const vector = vectors.cases[0]!;
    const good = dataFor(vector, {
      merkleRoot: vector.expected.merkle_root.toUpperCase(),
      commitment: `0x${vector.expected.commitment}`,
    });
    expect(() => buildCertificate(good)).not.toThrow();
    expect(() => buildCertificate({ ...good, commitment: `0x${'00'.repeat(32)}` })).toThrow(
      /commitment/,
    );
    expect(() => buildCertificate({ ...good, merkleRoot: '11'.repeat(32) })).toThrow(/merkleRoot/);
    expect(() => buildCertificate({ ...good, title: `${vector.title}!` })).toThrow(/commitment/);
  });
});
