import fs from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { documents, tickets, type DocumentRow, type TicketRow } from '../database/schema.ts';
import { documentLabel, storedDocumentPath } from '../documents/document-storage.ts';
import { formatCsv, type CsvValue } from '../exports/csv.ts';
import { foldDiacritics } from '../language.ts';
import { formatDate, localDate } from '../tickets/deadlines.ts';
import { eventsOfTicket, ticketLabel } from '../tickets/ticket-store.ts';
import { renderTable, renderTicketRecord, type TableColumn } from './archive-pdf.ts';
import { archiveEntryFor, disposableFrom, findArchiveEntry, retentionLabel, type ArchiveEntry, type Nomenclator } from './nomenclator.ts';

// `functionar archive export --year YYYY --out DIR`: the year's incoming register (tickets) and outgoing
// register (issued documents) as CSV, and every record filed in a folder per archive index entry, each
// with its list (opis) as CSV and PDF, plus the year's inventory (inventar) of those files — what the
// town hall hands to the county service of the National Archives (Legea 16/1996). Open formats only:
// CSV (UTF-8 with BOM, RFC 4180) and PDF.

export interface ArchiveExportSummary {
  year: number;
  directory: string;
  entries: { id: string; folder: string; records: number; pages: number }[];
  tickets: number;
  documents: number;
}

interface FiledRecord {
  kind: 'intrare' | 'ieșire';
  number: string;
  date: string;
  subject: string;
  pages: number;
  /** The file's path inside the entry's folder. */
  file: string | undefined;
}

const bom = '\uFEFF';

function writeCsv(file: string, rows: CsvValue[][]): void {
  fs.writeFileSync(file, bom + formatCsv(rows));
}

/** The columns of a file's list (opis) and of the year's inventory (inventar), with their share of the page. */
const listColumns: TableColumn[] = [
  { title: 'Nr.', share: 5 },
  { title: 'Număr', share: 14 },
  { title: 'Data', share: 11 },
  { title: 'Subiect', share: 33 },
  { title: 'Pagini', share: 7 },
  { title: 'Păstrare', share: 11 },
  { title: 'Fișier', share: 19 },
];
const inventoryColumns: TableColumn[] = [
  { title: 'Nr.', share: 5 },
  { title: 'Indicativ', share: 11 },
  { title: 'Conținutul dosarului', share: 31 },
  { title: 'Date extreme', share: 17 },
  { title: 'Înreg.', share: 7 },
  { title: 'Pagini', share: 7 },
  { title: 'Păstrare', share: 11 },
  { title: 'Eliminabil din', share: 11 },
];

async function writeTablePdf(file: string, table: { heading: string; subheading: string; columns: TableColumn[]; rows: string[][]; footer: string }): Promise<void> {
  const rendered = await renderTable(table.heading, table.subheading, table.columns, table.rows, table.footer);
  fs.writeFileSync(file, rendered.bytes);
}

function folderName(entry: ArchiveEntry): string {
  const name = foldDiacritics(entry.name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${entry.id}-${name}`;
}

function entryOfTicket(nomenclator: Nomenclator, ticket: TicketRow): ArchiveEntry {
  return findArchiveEntry(nomenclator, ticket.archiveEntry) ?? archiveEntryFor(nomenclator, ticket);
}

export async function exportArchive(
  executor: Executor,
  options: { year: number; outputDirectory: string; dataDirectory: string; nomenclator: Nomenclator; townHallName: string },
): Promise<ArchiveExportSummary> {
  const { year, nomenclator } = options;
  const directory = path.resolve(options.outputDirectory);
  fs.mkdirSync(directory, { recursive: true });
  const yearTickets = await executor.select().from(tickets).where(eq(tickets.year, year)).orderBy(asc(tickets.number));
  const yearDocuments = await executor.select().from(documents).where(eq(documents.year, year)).orderBy(asc(documents.number));
  // Read after the documents, so every document's ticket is in it.
  const ticketsById = new Map((await executor.select().from(tickets)).map((ticket) => [ticket.id, ticket]));

  // The two registers, whole, as the town hall keeps them.
  writeCsv(path.join(directory, `registrul-de-intrare-${year}.csv`), [
    ['numar', 'data_inregistrarii', 'canal', 'tip', 'subiect', 'compartiment', 'procedura', 'stare', 'termen_legal', 'data_inchiderii', 'indicativ_dosar'],
    ...yearTickets.map((ticket) => [
      ticketLabel(ticket),
      ticket.createdAt,
      ticket.channel,
      ticket.type,
      ticket.subject,
      ticket.department,
      ticket.procedureSlug,
      ticket.status,
      ticket.dueDate,
      ticket.closedAt,
      entryOfTicket(nomenclator, ticket).id,
    ]),
  ]);
  const documentEntry = (document: DocumentRow): ArchiveEntry => {
    const ticket = ticketsById.get(document.ticketId);
    return findArchiveEntry(nomenclator, document.archiveEntry) ?? (ticket ? entryOfTicket(nomenclator, ticket) : nomenclator.fallback);
  };
  writeCsv(path.join(directory, `registrul-de-iesire-${year}.csv`), [
    ['numar', 'data_emiterii', 'document', 'sablon', 'la_cererea', 'semnat', 'semnatar', 'sha256', 'pagini', 'revocat_la', 'motiv_revocare', 'indicativ_dosar'],
    ...yearDocuments.map((document) => {
      const ticket = ticketsById.get(document.ticketId);
      return [
        documentLabel(document),
        document.issuedAt,
        document.title,
        document.template,
        ticket ? ticketLabel(ticket) : '',
        document.signed ? 'da' : 'nu',
        document.signer,
        document.sha256,
        document.pages,
        document.revokedAt,
        document.revokedReason,
        documentEntry(document).id,
      ];
    }),
  ]);

  // Each record in the folder of its index entry.
  const filed = new Map<string, FiledRecord[]>();
  const add = (entry: ArchiveEntry, record: FiledRecord) => filed.set(entry.id, [...(filed.get(entry.id) ?? []), record]);
  for (const ticket of yearTickets) {
    const entry = entryOfTicket(nomenclator, ticket);
    const folder = path.join(directory, folderName(entry), 'intrare');
    fs.mkdirSync(folder, { recursive: true });
    const record = await renderTicketRecord(ticket, await eventsOfTicket(executor, ticket.id), options.townHallName);
    const file = `cerere-${ticket.number}-${ticket.year}.pdf`;
    fs.writeFileSync(path.join(folder, file), record.bytes);
    add(entry, { kind: 'intrare', number: ticketLabel(ticket), date: localDate(new Date(ticket.createdAt)), subject: ticket.subject, pages: record.pages, file: `intrare/${file}` });
  }
  for (const document of yearDocuments) {
    const entry = documentEntry(document);
    const folder = path.join(directory, folderName(entry), 'iesire');
    fs.mkdirSync(folder, { recursive: true });
    let file: string | undefined;
    if (document.storagePath) {
      try {
        fs.copyFileSync(storedDocumentPath(options.dataDirectory, document.storagePath), path.join(folder, document.fileName));
        file = `iesire/${document.fileName}`;
      } catch {
        // Erased with the person's data, or not made yet: the register line stays, the file is listed as missing.
      }
    }
    const subject = `${document.title}${document.revokedAt ? ' (REVOCAT)' : ''}`;
    add(entry, { kind: 'ieșire', number: documentLabel(document), date: localDate(new Date(document.issuedAt)), subject, pages: document.pages, file });
  }

  // The list of each file (opis) and the inventory of the year's files (inventar).
  const summary: ArchiveExportSummary = { year, directory, entries: [], tickets: yearTickets.length, documents: yearDocuments.length };
  const inventoryRows: string[][] = [];
  const inventoryCsv: CsvValue[][] = [['nr_crt', 'indicativ', 'denumire_dosar', 'date_extreme', 'inregistrari', 'pagini', 'termen_pastrare', 'se_poate_elimina_din', 'dosar']];
  let index = 0;
  for (const entry of nomenclator.entries) {
    const records = (filed.get(entry.id) ?? []).sort((first, second) => first.date.localeCompare(second.date) || first.number.localeCompare(second.number, 'ro', { numeric: true }));
    if (records.length === 0) continue;
    index += 1;
    const folder = folderName(entry);
    const retention = retentionLabel(entry);
    const listRows = records.map((record, position) => [String(position + 1), `${record.kind} ${record.number}`, formatDate(record.date), record.subject, String(record.pages), retention, record.file ?? 'fișier lipsă']);
    writeCsv(path.join(directory, folder, 'opis.csv'), [['nr_crt', 'numar', 'data', 'subiect', 'pagini', 'termen_pastrare', 'fisier'], ...listRows]);
    await writeTablePdf(path.join(directory, folder, 'opis.pdf'), {
      heading: `Opis — dosarul ${entry.id}: ${entry.name}`,
      subheading: `Anul ${year} · termen de păstrare: ${retention}`,
      columns: listColumns,
      rows: listRows,
      footer: `${options.townHallName} — opisul dosarului ${entry.id}, anul ${year}`,
    });
    const pages = records.reduce((total, record) => total + record.pages, 0);
    const dates = `${formatDate(records[0]?.date ?? `${year}-01-01`)} – ${formatDate(records.at(-1)?.date ?? `${year}-12-31`)}`;
    const disposable = disposableFrom(entry, year);
    inventoryRows.push([String(index), entry.id, entry.name, dates, String(records.length), String(pages), retention, disposable ? formatDate(disposable) : '—']);
    inventoryCsv.push([index, entry.id, entry.name, dates, records.length, pages, retention, disposable ?? '', folder]);
    summary.entries.push({ id: entry.id, folder, records: records.length, pages });
  }
  writeCsv(path.join(directory, `inventar-${year}.csv`), inventoryCsv);
  await writeTablePdf(path.join(directory, `inventar-${year}.pdf`), {
    heading: `Inventarul documentelor anului ${year}`,
    subheading: `${options.townHallName} · dosare constituite după nomenclatorul arhivistic (Legea 16/1996) · registrul de intrare: ${yearTickets.length} · registrul de ieșire: ${yearDocuments.length}`,
    columns: inventoryColumns,
    rows: inventoryRows,
    footer: `${options.townHallName} — inventarul anului ${year}`,
  });
  fs.writeFileSync(
    path.join(directory, 'CITESTE.txt'),
    [
      `Arhiva anului ${year} — ${options.townHallName}`,
      '',
      `registrul-de-intrare-${year}.csv   cererile înregistrate (tichetele), cu indicativul dosarului`,
      `registrul-de-iesire-${year}.csv    documentele emise (număr de ieșire, SHA-256, revocări)`,
      `inventar-${year}.csv / .pdf        inventarul dosarelor: indicativ, conținut, date extreme, pagini, termen de păstrare`,
      '<indicativ>-<denumire>/          un dosar pe intrare din nomenclator: intrare/ (cererile, PDF), iesire/ (documentele semnate, PDF), opis.csv / opis.pdf',
      '',
      'CSV: UTF-8 cu BOM, separator virgulă (RFC 4180). PDF: documentele emise sunt semnate electronic (PAdES); verificare: functionar documents verify FIȘIER.',
      '',
    ].join('\r\n'),
  );
  return summary;
}
