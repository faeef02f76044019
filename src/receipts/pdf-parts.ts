import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDict, PDFDocument, PDFName, PDFString, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { colors, type BlockItem, type PageWriter } from './page-writer.ts';
import { verificationCodeKey } from './receipt-storage.ts';

// What every paper the town hall issues shares: the embedded DejaVu fonts (the standard PDF fonts have
// no ș, ț, ő or ű), the verification code in the Info dictionary, a QR code and a clickable link.
// Used by the registration receipt and by the issued documents (src/documents).

const require = createRequire(import.meta.url);
const fontDirectory = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fontFiles: { regular: Buffer; bold: Buffer; mono: Buffer } | undefined;

function fontBytes(): { regular: Buffer; bold: Buffer; mono: Buffer } {
  fontFiles ??= {
    regular: fs.readFileSync(path.join(fontDirectory, 'DejaVuSans.ttf')),
    bold: fs.readFileSync(path.join(fontDirectory, 'DejaVuSans-Bold.ttf')),
    mono: fs.readFileSync(path.join(fontDirectory, 'DejaVuSansMono-Bold.ttf')),
  };
  return fontFiles;
}

export interface DocumentFonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** A new PDF with the DejaVu fonts embedded (subset). */
export async function newDocumentWithFonts(): Promise<{ document: PDFDocument; fonts: DocumentFonts }> {
  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  const files = fontBytes();
  const regular = await document.embedFont(files.regular, { subset: true });
  const bold = await document.embedFont(files.bold, { subset: true });
  const mono = await document.embedFont(files.mono, { subset: true });
  return { document, fonts: { regular, bold, mono } };
}

/** Writes the code where `receipt verify` / `documents verify` look for it, without reading page text. */
export function setVerificationCode(document: PDFDocument, code: string): void {
  document.context.lookup(document.context.trailerInfo.Info, PDFDict).set(PDFName.of(verificationCodeKey), PDFString.of(code));
}

export function calendarDate(date: string, style: 'ro' | 'hu'): string {
  const [year, month, day] = date.split('-');
  return style === 'ro' ? `${day}.${month}.${year}` : `${year}.${month}.${day}.`;
}

export function addLink(page: PDFPage, url: string, rectangle: [number, number, number, number]): void {
  const context = page.doc.context;
  const link = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: rectangle,
      Border: [0, 0, 0],
      A: { Type: 'Action', S: 'URI', URI: PDFString.of(url) },
    }),
  );
  const existing = page.node.Annots();
  if (existing) existing.push(link);
  else page.node.set(PDFName.of('Annots'), context.obj([link]));
}

export async function qrCodePng(text: string): Promise<Buffer> {
  const dataUrl = await QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 0, width: 240 });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** The framed panel with the verification code, the address where it is checked and a QR code of that address. */
export async function drawVerificationPanel(
  writer: PageWriter,
  document: PDFDocument,
  mono: PDFFont,
  panel: { code: string; verificationUrl: string; note: string },
): Promise<void> {
  const hasAbsoluteUrl = /^https?:\/\//.test(panel.verificationUrl);
  const qrSize = 84;
  const textWidth = writer.width - 28 - (hasAbsoluteUrl ? qrSize + 14 : 0);
  const panelStyle = { x: writer.left + 14, width: textWidth };
  const labelStyle = { ...panelStyle, size: 9, color: colors.muted };
  const urlStyle = { ...panelStyle, size: 9.5, color: colors.accent };
  const codeLines: BlockItem[] = [
    { text: 'Cod de verificare / Ellenőrző kód', style: labelStyle },
    { text: panel.code, style: { ...panelStyle, font: mono, size: 17 }, spaceBefore: 2 },
    { text: 'Verificați autenticitatea documentului la / Ellenőrzés:', style: labelStyle, spaceBefore: 4 },
  ];
  const afterUrl: BlockItem[] = [{ text: panel.note, style: { ...panelStyle, size: 8, color: colors.muted }, spaceBefore: 3 }];
  const textHeight = writer.measure([...codeLines, { text: panel.verificationUrl, style: urlStyle }, ...afterUrl]);
  const panelHeight = Math.max(textHeight, hasAbsoluteUrl ? qrSize : 0) + 20;
  writer.ensure(panelHeight + 12);
  const page = writer.page;
  const panelTop = writer.y;
  page.drawRectangle({ x: writer.left, y: panelTop - panelHeight, width: writer.width, height: panelHeight, color: colors.panel, borderColor: colors.rule, borderWidth: 0.8 });
  writer.y = panelTop - 10;
  writer.draw(codeLines);
  const urlTop = writer.y;
  writer.draw([{ text: panel.verificationUrl, style: urlStyle }]);
  if (hasAbsoluteUrl) addLink(page, panel.verificationUrl, [panelStyle.x, writer.y, panelStyle.x + textWidth, urlTop]);
  writer.draw(afterUrl);
  if (hasAbsoluteUrl) {
    const qr = await document.embedPng(await qrCodePng(panel.verificationUrl));
    page.drawImage(qr, { x: writer.left + writer.width - 14 - qrSize, y: panelTop - (panelHeight + qrSize) / 2, width: qrSize, height: qrSize });
  }
  writer.y = panelTop - panelHeight - 12;
}

/** The same footer line under every page, numbered when there is more than one. */
export function drawFooters(writer: PageWriter, regular: PDFFont, footer: string): void {
  writer.pages.forEach((footerPage, index) => {
    writer.page = footerPage;
    writer.y = 56;
    writer.rule();
    writer.space(4);
    if (writer.pages.length > 1) {
      const pageNumber = `Pagina ${index + 1} din ${writer.pages.length}`;
      footerPage.drawText(pageNumber, { x: writer.left + writer.width - regular.widthOfTextAtSize(pageNumber, 7.5), y: 62, size: 7.5, font: regular, color: colors.muted });
    }
    writer.text(footer, { size: 7.5, color: colors.muted, lineGap: 2, keepOnPage: true });
  });
}

/** The document information a reader shows (title bar, properties), the issue date, and the verification code. */
export function setDocumentInfo(document: PDFDocument, info: { title: string; author: string; subject: string; keywords: string[]; issuedAt: Date; code: string }): void {
  document.setTitle(info.title, { showInWindowTitleBar: true });
  document.setAuthor(info.author);
  document.setSubject(info.subject);
  document.setKeywords(info.keywords);
  document.setCreator('Funcționar Virtual');
  document.setLanguage('ro-RO');
  document.setCreationDate(info.issuedAt);
  document.setModificationDate(info.issuedAt);
  setVerificationCode(document, info.code);
}

/** Who issues the paper: the town hall's name (and its Hungarian name), address and contacts, over a rule. */
export function drawTownHallHeader(writer: PageWriter, bold: PDFFont, townHall: { name: string; nameHungarian?: string; lines: string[] }, nameSize: number): void {
  writer.text(townHall.name, { font: bold, size: nameSize, color: colors.accent });
  if (townHall.nameHungarian) writer.text(townHall.nameHungarian, { size: 10, color: colors.muted });
  for (const line of townHall.lines) writer.text(line, { size: 8.5, color: colors.muted, lineGap: 2.5 });
  writer.space(nameSize >= 15 ? 8 : 6);
  writer.rule(colors.accent, 1.2);
}
