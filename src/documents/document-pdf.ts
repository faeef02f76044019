import type { PDFDocument } from 'pdf-lib';
import { colors, PageWriter } from '../receipts/page-writer.ts';
import { drawFooters, drawTownHallHeader, drawVerificationPanel, newDocumentWithFonts, setDocumentInfo } from '../receipts/pdf-parts.ts';
import { romanianDateTime } from '../receipts/receipt-dates.ts';

// The page of a document the town hall issues (adeverință, certificat, răspuns): the town hall's header
// (bilingual when it has a Hungarian name), the outgoing registration number and date, the title, the
// text made from the template, who signs, and the verification panel. Built with the receipt's pieces.

export interface DocumentFacts {
  townHall: { name: string; nameHungarian?: string; lines: string[] };
  /** "12/2026" in the outgoing register; undefined on a preview, which has no number yet. */
  label: string | undefined;
  issuedAt: Date;
  title: string;
  subtitle?: string;
  titleHungarian?: string;
  /** Paragraphs separated by blank lines, placeholders already filled. */
  body: string;
  closing: string;
  signatures: string[];
  /** The request it answers, "7/2026". */
  ticketLabel: string;
  code: string;
  verificationUrl: string;
  /** The certificate's name when it will be signed; undefined: unsigned, and it says so. */
  signer: string | undefined;
  /** A preview before issuing: marked as such on every page. */
  preview: boolean;
}

export async function renderDocument(facts: DocumentFacts): Promise<PDFDocument> {
  const { document, fonts } = await newDocumentWithFonts();
  const { regular, bold, mono } = fonts;
  const issued = romanianDateTime(facts.issuedAt);
  const number = facts.label ?? '……';
  const writer = new PageWriter(document, regular, bold, `${facts.title} nr. ${number} (continuare)`);

  setDocumentInfo(document, {
    title: `${facts.title} nr. ${number}`,
    author: facts.townHall.name,
    subject: `${facts.title}${facts.subtitle ? ` ${facts.subtitle}` : ''} — cererea nr. ${facts.ticketLabel}`,
    keywords: [facts.title, `cod de verificare ${facts.code}`, facts.verificationUrl],
    issuedAt: facts.issuedAt,
    code: facts.code,
  });

  // Header: who issues it, in Romanian and (where the commune uses it) Hungarian.
  writer.text('ROMÂNIA', { size: 9, color: colors.muted });
  drawTownHallHeader(writer, bold, facts.townHall, 14);
  writer.space(10);
  writer.text(`Nr. ${number} din ${issued.date}`, { font: bold, size: 10.5 });
  writer.text(`La cererea înregistrată cu nr. ${facts.ticketLabel}`, { size: 9, color: colors.muted });
  writer.space(18);

  if (facts.preview) {
    writer.text('PREVIZUALIZARE — document neemis, fără număr și fără semnătură', { font: bold, size: 11, color: colors.warning });
    writer.space(8);
  }
  writer.text(facts.title, { font: bold, size: 17 });
  if (facts.subtitle) writer.text(facts.subtitle, { size: 11.5 });
  if (facts.titleHungarian) writer.text(facts.titleHungarian, { size: 10, color: colors.muted });
  writer.space(14);

  for (const paragraph of facts.body.split(/\n{2,}/)) {
    writer.text(paragraph.trim(), { size: 10.5, lineGap: 4 });
    writer.space(6);
  }
  if (facts.closing) {
    writer.space(4);
    writer.text(facts.closing, { size: 10.5, lineGap: 4 });
  }
  writer.space(22);

  // Who signs: the roles side by side, the electronic signature named under them.
  writer.ensure(60);
  const columnWidth = writer.width / Math.max(1, facts.signatures.length);
  const top = writer.y;
  facts.signatures.forEach((role, index) => {
    writer.y = top;
    writer.text(role, { x: writer.left + index * columnWidth, width: columnWidth - 8, font: bold, size: 9.5, keepOnPage: true });
  });
  writer.y = top - 30;
  if (facts.signer) {
    writer.text(`Semnat electronic de: ${facts.signer}`, { font: bold, size: 9.5 });
    writer.text('Semnătura electronică (PAdES) este încorporată în fișier; cititorul PDF o afișează în panoul de semnături. Orice modificare a fișierului o invalidează.', {
      size: 8,
      color: colors.muted,
      lineGap: 2.5,
    });
  } else if (!facts.preview) {
    writer.text('Document nesemnat electronic: primăria nu a configurat un certificat; autenticitatea se verifică doar cu codul de mai jos.', { size: 8.5, color: colors.warning });
  }
  writer.space(12);

  await drawVerificationPanel(writer, document, mono, {
    code: facts.code,
    verificationUrl: facts.verificationUrl,
    note: 'Codul arată numărul, data, tipul documentului, emitentul și dacă a fost revocat.',
  });

  drawFooters(
    writer,
    regular,
    facts.preview ? 'Previzualizare: nu are valoare de document.' : `Emis electronic la ${issued.date}, ora ${issued.time}, prin Funcționar Virtual, asistentul virtual al primăriei.`,
  );
  return document;
}
