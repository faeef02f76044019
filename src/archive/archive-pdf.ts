import type { TicketEventRow, TicketRow } from '../database/schema.ts';
import { channelNames, ticketTypeNames } from '../admin/labels.ts';
import { colors, PageWriter } from '../receipts/page-writer.ts';
import { drawFooters, newDocumentWithFonts } from '../receipts/pdf-parts.ts';
import { romanianDateTime } from '../receipts/receipt-dates.ts';
import { formatDate } from '../tickets/deadlines.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';

// The PDFs of the archive export: a request's record (what was registered and what happened to it),
// and the tables of the inventory and of each file's list (opis), with the receipt's page writer.

export interface TableColumn {
  title: string;
  /** Share of the page width. */
  share: number;
}

export async function renderTable(heading: string, subheading: string, columns: TableColumn[], rows: string[][], footer: string): Promise<{ bytes: Buffer; pages: number }> {
  const { document, fonts } = await newDocumentWithFonts();
  const writer = new PageWriter(document, fonts.regular, fonts.bold, `${heading} (continuare)`);
  document.setTitle(heading);
  document.setCreator('Funcționar Virtual');
  document.setLanguage('ro-RO');
  writer.text(heading, { font: fonts.bold, size: 14 });
  writer.text(subheading, { size: 9, color: colors.muted });
  writer.space(10);
  const total = columns.reduce((sum, column) => sum + column.share, 0);
  const widths = columns.map((column) => (column.share / total) * writer.width);
  const drawRow = (cells: string[], bold: boolean) => {
    const size = 8;
    const heights = cells.map((cell, index) => writer.lines(cell, { size, width: (widths[index] ?? 40) - 4, font: bold ? fonts.bold : fonts.regular }).length * writer.lineHeight({ size }));
    writer.ensure(Math.max(...heights) + 4);
    const top = writer.y;
    let x = writer.left;
    cells.forEach((cell, index) => {
      writer.y = top;
      writer.text(cell, { x, width: (widths[index] ?? 40) - 4, size, font: bold ? fonts.bold : fonts.regular, keepOnPage: true });
      x += widths[index] ?? 40;
    });
    writer.y = top - Math.max(...heights) - 2;
    writer.rule();
    writer.space(3);
  };
  drawRow(
    columns.map((column) => column.title),
    true,
  );
  for (const row of rows) drawRow(row, false);
  if (rows.length === 0) writer.text('(nicio înregistrare)', { size: 9, color: colors.muted });
  drawFooters(writer, fonts.regular, footer);
  return { bytes: Buffer.from(await document.save({ useObjectStreams: false })), pages: document.getPageCount() };
}

/** A request as registered, with what happened to it: the archive's copy of an electronic petition. */
export async function renderTicketRecord(ticket: TicketRow, events: TicketEventRow[], townHallName: string): Promise<{ bytes: Buffer; pages: number }> {
  const { document, fonts } = await newDocumentWithFonts();
  const label = ticketLabel(ticket);
  const writer = new PageWriter(document, fonts.regular, fonts.bold, `Cererea nr. ${label} (continuare)`);
  document.setTitle(`Cererea nr. ${label}`);
  document.setAuthor(townHallName);
  document.setCreator('Funcționar Virtual');
  document.setLanguage('ro-RO');
  const registered = romanianDateTime(new Date(ticket.createdAt));
  writer.text(townHallName, { font: fonts.bold, size: 12, color: colors.accent });
  writer.text('Registrul de intrare — exemplar pentru arhivă', { size: 9, color: colors.muted });
  writer.space(10);
  writer.text(`Cererea nr. ${label}`, { font: fonts.bold, size: 15 });
  writer.space(6);
  writer.field('Înregistrată la', `${registered.date}, ora ${registered.time}`);
  writer.field('Primită prin', channelNames[ticket.channel] ?? ticket.channel);
  writer.field('Tipul', ticketTypeNames[ticket.type] ?? ticket.type);
  writer.field('Compartimentul', ticket.department);
  writer.field('Petent', ticket.citizenName ?? '—');
  writer.field('Subiectul', ticket.subject);
  writer.field('Termen legal', `${formatDate(ticket.dueDate)} (${ticket.dueRule})`);
  writer.field('Stare', ticket.status);
  writer.field('Indicativ dosar', ticket.archiveEntry ?? '—');
  writer.space(8);
  writer.text('Textul cererii', { font: fonts.bold, size: 11 });
  writer.text(ticket.text, { size: 10, lineGap: 3 });
  writer.space(8);
  writer.text('Istoric', { font: fonts.bold, size: 11 });
  for (const event of events) {
    const when = romanianDateTime(new Date(event.createdAt));
    const detail = event.detail && typeof event.detail === 'object' ? (event.detail as Record<string, unknown>) : {};
    const summary = ['text', 'number', 'reason', 'department', 'clerk'].map((key) => (typeof detail[key] === 'string' ? String(detail[key]) : '')).filter(Boolean).join(' · ');
    writer.text(`${when.date} ${when.time} — ${event.kind}${summary ? `: ${summary.slice(0, 400)}` : ''}`, { size: 8.5, lineGap: 2 });
  }
  drawFooters(writer, fonts.regular, `Exportat din Funcționar Virtual pentru arhiva primăriei (Legea 16/1996).`);
  return { bytes: Buffer.from(await document.save({ useObjectStreams: false })), pages: document.getPageCount() };
}
