import { describe, expect, it } from 'vitest';
import {
  CertificateQuerySchema,
  CertificateSchema,
  DownloadLinkSchema,
  ListWorksQuerySchema,
  ListWorksResponseSchema,
  WorkCreatorsResponseSchema,
  WorkDetailSchema,
  WorkLookupQuerySchema,
  WorkVersionsResponseSchema,
} from './reads';

const WORK = '0b8f3c2a-5d1e-4f6a-9b7c-2e4d6f8a0c1e';
const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const hash = (byte: string) => `0x${byte.repeat(32)}`;

const summary = {
  id: WORK,
  ats_id: 7,
  owner: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  title: 'Moonlight',
  asset_filename: 'moonlight.wav',
  latest_version: 1,
  latest_commitment: hash('c0'),
  created_at: '2026-04-30T11:00:26.000Z',
  latest_version_at: '2026-04-30T11:00:26.000Z',
  has_files: true,
};
const creator = {
  full_name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: ['Author', 'Composer'],
  ipi: '00052210040',
  isni: null,
};
const version = {
  version: 1,
  commitment: hash('c0'),
  media_hash: hash('a0'),
  merkle_root: hash('b0'),
  asset_filename: 'moonlight.wav',
  registered_at_block: 1843,
  registered_at: '2026-04-30T11:00:26.000Z',
  block_hash: hash('81'),
  tx_hash: hash('3b'),
  transaction_id: TX,
  fee_credits: 17,
  storage_fee_credits: 8,
};

describe('GET /v1/works', () => {
  it('parses the query, coercing first from text', () => {
    expect(ListWorksQuerySchema.parse({ network: 'testnet', first: '50', after: 'c1' })).toEqual({
      network: 'testnet',
      first: 50,
      after: 'c1',
    });
    expect(ListWorksQuerySchema.parse({})).toEqual({});
    for (const first of ['0', '101', '2.5', 'ten']) {
      expect(ListWorksQuerySchema.safeParse({ first }).success, first).toBe(false);
    }
    expect(ListWorksQuerySchema.safeParse({ sort: 'asc' }).success).toBe(false);
  });

  it('parses a page with page_info, total_count and the sandbox extras', () => {
    const page = ListWorksResponseSchema.parse({
      works: [{ ...summary, network: 'testnet', external_user_ref: 'user-42', rank: 1 }],
      page_info: {
        has_next_page: true,
        has_previous_page: false,
        start_cursor: 'a',
        end_cursor: 'b',
      },
      total_count: 31,
    });
    expect(page.works[0]).toMatchObject({ network: 'testnet', external_user_ref: 'user-42' });
    expect(page.works[0]).not.toHaveProperty('rank');
    expect(page.page_info.end_cursor).toBe('b');
  });

  it('parses an empty page: null cursors, extras absent', () => {
    const page = ListWorksResponseSchema.parse({
      works: [],
      page_info: { has_next_page: false, has_previous_page: false, start_cursor: null },
      total_count: 0,
    });
    expect(page.page_info).toEqual({
      has_next_page: false,
      has_previous_page: false,
      start_cursor: null,
      end_cursor: null,
    });
    const bare = ListWorksResponseSchema.parse({
      works: [summary],
      page_info: { has_next_page: false, has_previous_page: false },
      total_count: 1,
    });
    expect(bare.works[0]).toMatchObject({ network: null, external_user_ref: null });
  });
});

describe('detail, versions and creators (§8.2)', () => {
  it('reads the detail with the latest creators', () => {
    const detail = WorkDetailSchema.parse({ ...summary, creators: [creator] });
    expect(detail.creators[0]?.roles).toEqual(['author', 'composer']);
    expect(WorkLookupQuerySchema.parse({ network: 'mainnet' })).toEqual({ network: 'mainnet' });
  });

  it('reads the versions, oldest first', () => {
    const versions = WorkVersionsResponseSchema.parse({
      ats_id: 7,
      network: 'testnet',
      work_id: WORK,
      versions: [version, { ...version, version: 2, extra: true }],
    });
    expect(versions.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('reads the creators of a version', () => {
    const creators = WorkCreatorsResponseSchema.parse({
      ats_id: 7,
      network: 'testnet',
      version: 1,
      creators: [creator, { ...creator, roles: { arranger: true } }],
    });
    expect(creators.creators.map((c) => c.roles)).toEqual([['author', 'composer'], ['arranger']]);
  });
});

describe('downloads and certificates (§8.3)', () => {
  it('reads { url, expires_at }', () => {
    expect(
      DownloadLinkSchema.parse({
        url: 'http://127.0.0.1:1/_storage/assets/x',
        expires_at: '2026-04-30T11:15:00.000Z',
      }),
    ).toEqual({
      url: 'http://127.0.0.1:1/_storage/assets/x',
      expires_at: '2026-04-30T11:15:00.000Z',
    });
    expect(CertificateQuerySchema.parse({ format: 'json' })).toEqual({ format: 'json' });
    expect(CertificateQuerySchema.safeParse({ format: 'xml' }).success).toBe(false);
  });

  it('reads the certificate JSON, roles as lowercase names, leaves with or without 0x', () => {
    const certificate = CertificateSchema.parse({
      certificate_version: 1,
      protocol_version: 1,
      network: 'mainnet',
      ats_id: 7,
      work_id: WORK,
      version: 1,
      title: 'Moonlight',
      asset_filename: 'moonlight.wav',
      size_bytes: 18874368,
      creators: [{ ...creator, roles: ['author', 'composer'] }],
      creator_leaves: ['d4'.repeat(32), hash('d5')],
      media_hash: hash('a0'),
      merkle_root: hash('b0'),
      commitment: hash('c0'),
      tx_hash: hash('3b'),
      block_number: 1843,
      block_hash: hash('81'),
      registered_at: '2026-04-30T11:00:26.000Z',
      explorer_url: `https://explorer.allfeat.org/tx/${hash('3b')}`,
      owner: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
      issued_at: '2026-04-30T11:00:26.000Z',
    });
    expect(certificate.creators[0]?.roles).toEqual(['author', 'composer']);
    expect(certificate.creator_leaves).toEqual(['d4'.repeat(32), hash('d5')]);
  });
});
