import type { PDFDocument } from 'pdf-lib';
import { localDate } from '../tickets/deadlines.ts';
import { colors, PageWriter, type BlockItem } from './page-writer.ts';
import { calendarDate, drawFooters, drawTownHallHeader, drawVerificationPanel, newDocumentWithFonts, setDocumentInfo } from './pdf-parts.ts';
import { romanianDateTime, timeZone } from './receipt-dates.ts';

// The "confirmare de înregistrare" page: what the town hall tells the citizen it registered. Romanian,
// with a short Hungarian paragraph (most of the commune speaks Hungarian). DejaVu fonts are embedded
// (subset) because the standard PDF fonts have no ș, ț, ő or ű.

export interface ReceiptFacts {
  townHall: {
    name: string;
    nameHungarian?: string;
    /** Address and contact lines, already free of placeholders. */
    lines: string[];
  };
  /** "3/2026" */
  ticketLabel: string;
  registeredAt: Date;
  channel: string;
  type: string;
  department: string;
  departmentHungarian?: string;
  subject: string;
  /** YYYY-MM-DD */
  dueDate: string;
  dueRule: string;
  extension?: { days: number; basis: string };
  code: string;
  verificationUrl: string;
  issuedAt: Date;
  /** The signer's name when the receipt will be signed; undefined: it says it is not signed. */
  signer: string | undefined;
  privacyUrl?: string;
}

export async function renderReceipt(facts: ReceiptFacts): Promise<PDFDocument> {
  const { document, fonts } = await newDocumentWithFonts();
  const { regular, bold, mono } = fonts;
  const writer = new PageWriter(document, regular, bold, `Confirmare de înregistrare ${facts.ticketLabel} (continuare)`);
  const registered = romanianDateTime(facts.registeredAt);
  const issued = romanianDateTime(facts.issuedAt);

  setDocumentInfo(document, {
    title: `Confirmare de înregistrare ${facts.ticketLabel}`,
    author: facts.townHall.name,
    subject: `Confirmarea înregistrării cererii nr. ${facts.ticketLabel} din ${registered.date}`,
    keywords: ['confirmare de înregistrare', `cod de verificare ${facts.code}`, facts.verificationUrl],
    issuedAt: facts.issuedAt,
    code: facts.code,
  });

  // Header: who issues the document.
  drawTownHallHeader(writer, bold, facts.townHall, 15);
  writer.space(18);

  writer.text('CONFIRMARE DE ÎNREGISTRARE', { font: bold, size: 19 });
  writer.text('Iktatási igazolás', { size: 11, color: colors.muted });
  writer.space(8);
  if (!facts.signer) {
    // Said at the top, where nobody can miss it, whatever the length of the rest.
    const style = { x: writer.left + 12, width: writer.width - 24, color: colors.warning };
    const warning: BlockItem[] = [
      { text: 'Document nesemnat electronic', style: { ...style, font: bold, size: 11 } },
      {
        text: 'Primăria nu a configurat încă un certificat de semnătură: autenticitatea se verifică doar cu codul de verificare de mai jos. / Elektronikusan nem aláírt dokumentum.',
        style: { ...style, size: 8, lineGap: 2 },
      },
    ];
    const top = writer.y;
    const height = writer.measure(warning) + 10;
    writer.page.drawRectangle({ x: writer.left, y: top - height, width: writer.width, height, color: colors.warningBackground, borderColor: colors.warning, borderWidth: 1.2 });
    writer.y = top - 7;
    writer.draw(warning);
    writer.y = top - height - 8;
  }

  writer.field('Număr de înregistrare', facts.ticketLabel, { bold: true });
  writer.field('Data și ora înregistrării', `${registered.date}, ora ${registered.time}`);
  writer.field('Tipul', facts.type);
  writer.field('Compartimentul', facts.department);
  writer.field('Primită prin', facts.channel);
  writer.field('Subiectul', facts.subject, { maxLines: 5 });
  writer.field('Termen legal de răspuns', calendarDate(facts.dueDate, 'ro'), { bold: true });
  writer.field('Temei legal al termenului', facts.dueRule, { maxLines: 4 });
  writer.space(6);
  writer.rule();
  writer.space(12);

  writer.text('Ce urmează', { font: bold, size: 12 });
  writer.space(2);
  const next = [
    `Cererea a fost înregistrată în registrul primăriei cu numărul ${facts.ticketLabel} și repartizată compartimentului de specialitate. Un funcționar o analizează și vă răspunde pe canalul prin care ați depus-o, cel târziu până la ${calendarDate(facts.dueDate, 'ro')}.`,
    facts.extension
      ? `Dacă soluționarea cere mai mult timp, termenul poate fi prelungit cu cel mult ${facts.extension.days} zile (${facts.extension.basis}); veți fi anunțat înainte de expirarea lui.`
      : undefined,
    `Dacă vi se cer documente sau lămuriri, termenul curge de la primirea lor. Puteți întreba oricând asistentul: „Ce se întâmplă cu cererea ${facts.ticketLabel}?”.`,
  ].filter((paragraph): paragraph is string => paragraph !== undefined);
  for (const paragraph of next) {
    writer.text(paragraph, { size: 9.5, lineGap: 3 });
    writer.space(3);
  }
  writer.space(4);
  writer.text(
    `Magyarul: kérelmét ${facts.ticketLabel} számon iktattuk (${calendarDate(localDate(facts.registeredAt, timeZone), 'hu')})${facts.departmentHungarian ? `, ügyintéző részleg: ${facts.departmentHungarian}` : ''}. A választ legkésőbb ${calendarDate(facts.dueDate, 'hu')} megkapja azon a csatornán, amelyen benyújtotta. Az igazolás hitelességét az alábbi ellenőrző kóddal ellenőrizheti.`,
    { size: 9, color: colors.muted, lineGap: 2.8 },
  );
  writer.space(12);

  // Verification panel: the code, where to check it, and a QR code of that address.
  await drawVerificationPanel(writer, document, mono, {
    code: facts.code,
    verificationUrl: facts.verificationUrl,
    note: 'Codul confirmă numărul, data și amprenta SHA-256 a fișierului emis.',
  });

  if (facts.signer) {
    writer.ensure(44);
    writer.text(`Semnat electronic de: ${facts.signer}`, { font: bold, size: 10 });
    writer.text(
      'Semnătura electronică (PAdES) este încorporată în fișier; cititorul PDF o afișează în panoul de semnături. Orice modificare a fișierului o invalidează.',
      { size: 8.5, color: colors.muted, lineGap: 2.5 },
    );
  }

  // Footer on every page.
  drawFooters(writer, regular, `Emisă la ${issued.date}, ora ${issued.time}, de Funcționar Virtual, asistentul virtual al primăriei.${facts.privacyUrl ? ` Prelucrarea datelor personale: ${facts.privacyUrl}` : ''}`);
  return document;
}
