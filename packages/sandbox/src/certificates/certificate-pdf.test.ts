import { readFileSync } from 'node:fs';
import type { CommitmentCreator } from '@ats-kit/core';
import { decodePDFRawStream, PDFArray, PDFDocument, type PDFPage, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { buildCertificate, type CertificateJson } from './certificate';
import { renderCertificatePdf } from './certificate-pdf';

const vectors: {
  cases: { title: string; creators: CommitmentCreator[]; expected: { media_hash: string } }[];
} = JSON.parse(
  readFileSync(new URL('../../../core/test/vectors/commitment-v1.json', import.meta.url), 'utf8'),
);

function certificate(
  overrides: { title?: string; creators?: CommitmentCreator[] } = {},
): CertificateJson {
  const vector = vectors.cases[1]!;
  return buildCertificate({
    network: 'mainnet',
    atsId: 1024,
    workId: '0b8f9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
    version: 2,
    title: overrides.title ?? vector.title,
    assetFilename: 'master.wav',
    sizeBytes: 18_874_368,
    creators: overrides.creators ?? vector.creators,
    mediaHash: vector.expected.media_hash,
    txHash: `0x${'3b'.repeat(32)}`,
    blockNumber: 1843,
    blockHash: `0x${'81'.repeat(32)}`,
    registeredAt: Date.UTC(2026, 3, 30, 11, 0, 26),
    owner: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    issuedAt: Date.UTC(2026, 3, 30, 11, 5, 0),
  });
}

/** The text drawn on a page: standard-font strings are hex in `<…> Tj` operators. */
function pageText(page: PDFPage): string {
  const contents = page.node.Contents();
  const streams =
    contents instanceof PDFArray
      ? contents.asArray().map((ref) => page.doc.context.lookup(ref))
      : [contents];
  let text = '';
  for (const stream of streams) {
    if (!(stream instanceof PDFRawStream)) continue;
    const source = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
    for (const match of source.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      text += `${Buffer.from(match[1]!, 'hex').toString('latin1')}\n`;
    }
  }
  return text;
}

async function load(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return { doc, pages: doc.getPages() };
}

describe('renderCertificatePdf', () => {
  it('renders one page that pdf-lib loads back, with the commitment on it', async () => {
    const cert = certificate();
    const bytes = await renderCertificatePdf(cert);
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const { doc, pages } = await load(bytes);
    expect(pages).toHaveLength(1);
    const text = pageText(pages[0]!);
    expect(text).toContain(cert.commitment);
    expect(text).toContain(cert.merkle_root);
    expect(text).toContain(cert.title);
    expect(text).toContain(cert.creator_leaves[0]);
    expect(text).toContain('18,874,368 bytes');
    expect(doc.getSubject()).toBe(cert.commitment);
  });

  it('renders the same bytes for the same certificate', async () => {
    const cert = certificate();
    const [a, b] = await Promise.all([renderCertificatePdf(cert), renderCertificatePdf(cert)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('replaces characters the standard fonts cannot encode with ? instead of failing', async () => {
    const title = '夜の歌 🎵 Café — naïve';
    const creators: CommitmentCreator[] = [
      { full_name: '王菲 🎤', email: 'wang@example.com', roles: ['author'], ipi: null, isni: null },
    ];
    const cert = certificate({ title, creators });
    const { pages, doc } = await load(await renderCertificatePdf(cert));
    expect(pages).toHaveLength(1);
    const text = pageText(pages[0]!);
    expect(text).toContain('??? ? Caf\u00e9 \u2014 na\u00efve'.replace('\u2014', '\x97'));
    expect(text).toContain('?? ? <wang@example.com>');
    expect(text).toContain(cert.commitment);
    // Metadata is UTF-16 and keeps the exact title.
    expect(doc.getTitle()).toBe(`ATS certificate: ${title}`);
  });

  it('keeps 32 creators and a 255-character title on one page', async () => {
    const creators: CommitmentCreator[] = Array.from({ length: 32 }, (_, i) => ({
      full_name: `Creator Number ${i + 1} With A Rather Long Full Name`,
      email: `creator.${i + 1}@a-long-domain-name.example.com`,
      roles: { author: true, composer: i % 2 === 0, arranger: i % 3 === 0 },
      ipi: '12345678901',
      isni: '000000012146438X',
    }));
    const title = 'W'.repeat(255);
    const cert = certificate({ title, creators });
    const { pages } = await load(await renderCertificatePdf(cert));
    expect(pages).toHaveLength(1);
    const text = pageText(pages[0]!);
    expect(text).toContain('32. Creator Number 32');
    expect(text).toContain(cert.commitment);
  });

  it('survives control characters and empty optional text', async () => {
    const cert = { ...certificate(), asset_filename: 'a\u0000b\tc\nd.wav', owner: '' };
    const { pages } = await load(await renderCertificatePdf(cert));
    expect(pageText(pages[0]!)).toContain('a b c d.wav');
  });
});
