// One-page PDF rendering of a certificate (api.md §8.3). Standard fonts only (no font files to
// ship); they encode WinAnsi, so characters outside it (emoji, CJK, …) are shown as '?'. The JSON
// certificate stays the exact record.
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { CertificateJson } from './certificate';

const PAGE_WIDTH = 595.28; // A4
const PAGE_HEIGHT = 841.89;
const MARGIN = 50;
const LABEL_WIDTH = 112;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH;
const FOOTER_HEIGHT = 46;

const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.42, 0.42, 0.46);
const ACCENT = rgb(0.18, 0.32, 0.62);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/**
 * Renders a certificate as a one-page A4 PDF: title, the work and chain record, the hashes in full,
 * and the creators with their leaves (shortened when 32 creators need the room). Text the standard
 * fonts cannot encode becomes '?'; nothing in the certificate can make rendering throw. The
 * document's subject is the commitment, and its dates are `issued_at`, so the same certificate
 * always renders to the same bytes.
 *
 * @example
 * const pdf = await renderCertificatePdf(buildCertificate(data));
 * return new Response(pdf, { headers: { 'Content-Type': 'application/pdf' } });
 */
export async function renderCertificatePdf(cert: CertificateJson): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const issuedAt = validDate(cert.issued_at);
  doc.setTitle(`ATS certificate: ${cert.title}`);
  doc.setSubject(cert.commitment);
  doc.setKeywords([cert.commitment, `ats_id ${cert.ats_id}`, cert.network]);
  doc.setAuthor('ATS sandbox');
  doc.setCreator('@ats-kit/sandbox');
  doc.setProducer('@ats-kit/sandbox');
  if (issuedAt) {
    doc.setCreationDate(issuedAt);
    doc.setModificationDate(issuedAt);
  }

  const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  let y = PAGE_HEIGHT - MARGIN;

  y = drawLine(page, 'ALLFEAT TIME STAMP  |  CERTIFICATE OF REGISTRATION', {
    font: fonts.bold,
    size: 10,
    y,
    color: ACCENT,
  });
  y -= 8;
  for (const line of wrapText(cert.title, fonts.bold, 17, CONTENT_WIDTH, 3)) {
    y = drawLine(page, line, { font: fonts.bold, size: 17, y, color: INK });
  }
  y = drawLine(
    page,
    `ATS ID ${cert.ats_id} on ${cert.network}  |  version ${cert.version}  |  registered ${cert.registered_at}`,
    { font: fonts.regular, size: 10, y: y - 2, color: MUTED },
  );
  y -= 10;

  const rows: [label: string, value: string, mono: boolean][] = [
    ['Work ID', cert.work_id, true],
    ['File', cert.asset_filename, false],
    ['Size', `${formatInteger(cert.size_bytes)} bytes`, false],
    ['Owner', cert.owner, true],
    ['Commitment', cert.commitment, true],
    ['Media hash', cert.media_hash, true],
    ['Merkle root', cert.merkle_root, true],
    ['Transaction', cert.tx_hash, true],
    ['Block', `${formatInteger(cert.block_number)}`, false],
    ['Block hash', cert.block_hash, true],
    ['Explorer', cert.explorer_url, false],
    ['Registered at', cert.registered_at, false],
    [
      'Protocol',
      `version ${cert.protocol_version} (certificate format ${cert.certificate_version})`,
      false,
    ],
    ['Issued at', cert.issued_at, false],
  ];
  for (const [label, value, mono] of rows) {
    y = drawField(page, fonts, label, value, mono, y);
  }

  y -= 8;
  y = drawLine(page, `CREATORS (${cert.creators.length})`, {
    font: fonts.bold,
    size: 10,
    y,
    color: ACCENT,
  });
  drawCreators(page, fonts, cert, y, MARGIN + FOOTER_HEIGHT);
  drawFooter(page, fonts);

  return doc.save();
}

function drawField(
  page: PDFPage,
  fonts: Fonts,
  label: string,
  value: string,
  mono: boolean,
  y: number,
): number {
  const size = mono ? 8.5 : 9;
  const font = mono ? fonts.mono : fonts.regular;
  const lines = wrapText(value, font, size, VALUE_WIDTH, 2);
  page.drawText(label, { x: MARGIN, y: y - 9, size: 9, font: fonts.bold, color: MUTED });
  let lineY = y;
  for (const line of lines) {
    page.drawText(line, { x: MARGIN + LABEL_WIDTH, y: lineY - 9, size, font, color: INK });
    lineY -= size + 3.5;
  }
  return Math.min(lineY, y - 12.5) - 1.5;
}

// Two lines per creator (identity, then leaf) while they fit at a readable size; past that one
// compact line each with the leaf shortened (the JSON has it in full).
function drawCreators(
  page: PDFPage,
  fonts: Fonts,
  cert: CertificateJson,
  top: number,
  bottom: number,
): void {
  const count = Math.max(1, cert.creators.length);
  const height = top - bottom;
  const twoLineSize = Math.min(9, height / (count * 2 * 1.3));
  const twoLines = twoLineSize >= 7;
  const size = twoLines ? twoLineSize : Math.max(4, Math.min(8, height / (count * 1.3)));
  const leading = size * 1.3;
  let y = top - 2;
  cert.creators.forEach((creator, index) => {
    const leaf = cert.creator_leaves[index] ?? '';
    const identity = creatorLine(index, creator);
    if (twoLines) {
      const text = fitText(identity, fonts.regular, size, CONTENT_WIDTH);
      page.drawText(text, { x: MARGIN, y: y - size, size, font: fonts.regular, color: INK });
      y -= leading;
      const leafText = fitText(`leaf ${leaf}`, fonts.mono, size - 1, CONTENT_WIDTH - 14);
      page.drawText(leafText, {
        x: MARGIN + 14,
        y: y - size,
        size: size - 1,
        font: fonts.mono,
        color: MUTED,
      });
      y -= leading;
    } else {
      const shortLeaf = leaf.length > 22 ? `${leaf.slice(0, 12)}...${leaf.slice(-8)}` : leaf;
      const leafWidth = fonts.mono.widthOfTextAtSize(shortLeaf, size);
      const text = fitText(identity, fonts.regular, size, CONTENT_WIDTH - leafWidth - 8);
      page.drawText(text, { x: MARGIN, y: y - size, size, font: fonts.regular, color: INK });
      page.drawText(shortLeaf, {
        x: MARGIN + CONTENT_WIDTH - leafWidth,
        y: y - size,
        size,
        font: fonts.mono,
        color: MUTED,
      });
      y -= leading;
    }
  });
}

function creatorLine(index: number, creator: CertificateJson['creators'][number]): string {
  const roles = creator.roles.map((role) => role.charAt(0).toUpperCase() + role.slice(1));
  const parts = [`${index + 1}. ${creator.full_name} <${creator.email}>`, roles.join(', ')];
  if (creator.ipi) parts.push(`IPI ${creator.ipi}`);
  if (creator.isni) parts.push(`ISNI ${creator.isni}`);
  return parts.join('  |  ');
}

function drawFooter(page: PDFPage, fonts: Fonts): void {
  const lines = [
    'Check offline: commitment = SHA256(0x01 || media_hash || encode_string(title) || merkle_root);',
    'merkle_root = the depth-5 tree of the creator leaves. The JSON form of this certificate is the exact record.',
    'Issued by the ATS sandbox for development and tests; it is not a certificate from Allfeat.',
  ];
  let y = MARGIN + FOOTER_HEIGHT - 12;
  page.drawLine({
    start: { x: MARGIN, y: y + 6 },
    end: { x: PAGE_WIDTH - MARGIN, y: y + 6 },
    thickness: 0.5,
    color: MUTED,
  });
  for (const line of lines) {
    y = drawLine(page, line, { font: fonts.regular, size: 7.5, y: y - 2, color: MUTED });
  }
}

function drawLine(
  page: PDFPage,
  text: string,
  options: { font: PDFFont; size: number; y: number; color: ReturnType<typeof rgb> },
): number {
  const { font, size, y, color } = options;
  page.drawText(fitText(text, font, size, CONTENT_WIDTH), {
    x: MARGIN,
    y: y - size,
    size,
    font,
    color,
  });
  return y - size * 1.3;
}

/**
 * Replaces what a standard font cannot encode with '?' (one per code point, so an emoji is one
 * '?') and control characters with spaces.
 */
function encodableText(text: string, font: PDFFont): string {
  let out = '';
  for (const char of String(text)) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      out += ' ';
      continue;
    }
    try {
      font.encodeText(char);
      out += char;
    } catch {
      out += '?';
    }
  }
  return out;
}

function fitText(text: string, font: PDFFont, size: number, maxWidth: number): string {
  const safe = encodableText(text, font);
  if (font.widthOfTextAtSize(safe, size) <= maxWidth) return safe;
  const chars = [...safe];
  while (chars.length > 0 && font.widthOfTextAtSize(`${chars.join('')}...`, size) > maxWidth) {
    chars.pop();
  }
  return `${chars.join('')}...`;
}

// Word wrap, breaking long words (hashes, URLs) anywhere; the last allowed line is shortened.
function wrapText(
  text: string,
  font: PDFFont,
  size: number,
  maxWidth: number,
  maxLines: number,
): string[] {
  const safe = encodableText(text, font);
  const lines: string[] = [];
  let current = '';
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= maxWidth;
  for (const char of safe) {
    const candidate = current + char;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    const breakAt = current.lastIndexOf(' ');
    if (char !== ' ' && breakAt > 0) {
      lines.push(current.slice(0, breakAt));
      current = current.slice(breakAt + 1) + char;
    } else {
      lines.push(current);
      current = char === ' ' ? '' : char;
    }
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = fitText(
    `${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`,
    font,
    size,
    maxWidth,
  );
  return kept;
}

function formatInteger(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function validDate(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
