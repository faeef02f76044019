import type { DocumentRow, TicketRow } from '../../database/schema.ts';
import type { DocumentTemplate } from '../../documents/document-templates.ts';
import { documentLabel } from '../../documents/document-storage.ts';
import { ticketLabel } from '../../tickets/ticket-store.ts';
import type { Flash } from '../admin-sessions.ts';
import { html } from '../html.ts';
import { formatDateTime } from '../labels.ts';
import { ticketPath } from './inbox-page.ts';
import { page } from './layout.ts';

// The registers and the document form of the web inbox: /admin/documents (the outgoing register of
// issued documents and the incoming register of requests, searchable, exported as CSV) and
// /admin/tickets/Y/N/issue (choose the template, write the text, preview the PDF, issue and sign).

export type RegisterName = 'iesire' | 'intrare';

export interface RegistersPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  register: RegisterName;
  year: number;
  query: string;
  documents: (DocumentRow & { ticketLabel: string })[];
  tickets: TicketRow[];
}

export function registersPage(view: RegistersPage): string {
  const tab = (name: RegisterName, label: string) =>
    html`<a href="/admin/documents?register=${name}&year=${view.year}" ${view.register === name ? html`aria-current="page"` : ''}>${label}</a>`;
  const exportUrl = `/admin/documents/export.csv?register=${view.register}&year=${view.year}&q=${encodeURIComponent(view.query)}`;
  const table =
    view.register === 'iesire'
      ? html`<table class="data-table" data-testid="outgoing-register">
          <caption>Registrul de ieșire ${view.year}</caption>
          <thead><tr><th scope="col">Nr.</th><th scope="col">Data</th><th scope="col">Document</th><th scope="col">La cererea</th><th scope="col">Semnat</th><th scope="col">Dosar</th><th scope="col">Stare</th></tr></thead>
          <tbody>${view.documents.map(
            (document) => html`<tr data-testid="outgoing-entry">
              <td><a href="/admin/documents/${document.year}/${document.number}/document.pdf">${documentLabel(document)}</a></td>
              <td>${formatDateTime(document.issuedAt)}</td>
              <td>${document.title}</td>
              <td>${document.ticketLabel}</td>
              <td>${document.signed ? 'da' : 'nu'}</td>
              <td>${document.archiveEntry ?? '—'}</td>
              <td>${document.revokedAt ? `revocat: ${document.revokedReason ?? ''}` : document.sha256 ? 'emis' : 'în curs'}</td>
            </tr>`,
          )}</tbody>
        </table>`
      : html`<table class="data-table" data-testid="incoming-register">
          <caption>Registrul de intrare ${view.year}</caption>
          <thead><tr><th scope="col">Nr.</th><th scope="col">Data</th><th scope="col">Tip</th><th scope="col">Subiect</th><th scope="col">Compartiment</th><th scope="col">Stare</th><th scope="col">Dosar</th></tr></thead>
          <tbody>${view.tickets.map(
            (ticket) => html`<tr data-testid="incoming-entry">
              <td><a href="${ticketPath(ticket)}">${ticketLabel(ticket)}</a></td>
              <td>${formatDateTime(ticket.createdAt)}</td>
              <td>${ticket.type}</td>
              <td>${ticket.subject}</td>
              <td>${ticket.department}</td>
              <td>${ticket.status}</td>
              <td>${ticket.archiveEntry ?? '—'}</td>
            </tr>`,
          )}</tbody>
        </table>`;
  const body = html`<h1>Registre</h1>
    <nav aria-label="Registre" class="tabs">${tab('intrare', 'Registrul de intrare (cereri)')} · ${tab('iesire', 'Registrul de ieșire (documente emise)')}</nav>
    <form method="get" action="/admin/documents" class="search-form" role="search">
      <input type="hidden" name="register" value="${view.register}">
      <label for="an">Anul</label> <input id="an" name="year" inputmode="numeric" size="5" value="${view.year}">
      <label for="cauta">Caută</label> <input id="cauta" name="q" value="${view.query}" placeholder="număr, nume, subiect, document">
      <button class="button" type="submit">Caută</button>
      <a class="button secondary" href="${exportUrl}" download>Exportă CSV</a>
    </form>
    <p class="hint">Arhiva anului (dosare pe nomenclator, opis, inventar): <code>functionar archive export --year ${view.year} --out DOSAR</code>. Revocarea unui document: <code>functionar documents revoke NR/AN --reason „…”</code>.</p>
    <div class="table-scroll" role="region" aria-label="Registru" tabindex="0">${table}</div>`;
  return page({ title: 'Registre', townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'documents', flash: view.flash, body });
}

export interface IssueFormPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  ticket: TicketRow;
  templates: DocumentTemplate[];
  selected?: string;
  text: string;
  issued: DocumentRow[];
}

export function issueFormPage(view: IssueFormPage): string {
  const label = ticketLabel(view.ticket);
  const base = `${ticketPath(view.ticket)}/issue`;
  const body = html`<p><a href="${ticketPath(view.ticket)}">← Înapoi la tichetul ${label}</a></p>
    <h1>Emite document pentru ${label}</h1>
    <p class="hint">${view.ticket.subject}${view.ticket.citizenName ? ` — ${view.ticket.citizenName}` : ''}. Documentul primește un număr din registrul de ieșire, se semnează cu certificatul primăriei și ajunge la cetățean pe canalul pe care a scris; tichetul devine rezolvat.</p>
    ${view.issued.length > 0 ? html`<p class="notice">Documente emise deja: ${view.issued.map((document) => `${document.title} nr. ${documentLabel(document)}${document.revokedAt ? ' (revocat)' : ''}`).join('; ')}</p>` : ''}
    <form method="post" action="${base}" class="issue-form" data-testid="issue-form">
      <input type="hidden" name="_csrf" value="${view.csrfToken}">
      <fieldset>
        <legend>Documentul</legend>
        ${view.templates.map((template) => {
          const electronic = !template.paper_only && !template.requires_presence;
          const id = `sablon-${template.slug}`;
          return html`<p>
            <input type="radio" id="${id}" name="template" value="${template.slug}" ${electronic ? '' : html`disabled`} ${template.slug === view.selected ? html`checked` : ''} required>
            <label for="${id}">${template.title}${template.subtitle ? ` ${template.subtitle.replace(/\{\{[^}]+\}\}/g, '…')}` : ''}</label>
            ${electronic ? '' : html`<br><small>Nu se emite electronic: ${template.reason ?? ''}</small>`}
          </p>`;
        })}
      </fieldset>
      <label for="text">Textul documentului</label>
      <p class="hint" id="text-hint">Rânduri „adresa: …”, „scop: …”, „nume: …” completează câmpurile modelului; restul este conținutul (de ex. datele din registrul agricol).</p>
      <textarea id="text" name="text" rows="8" maxlength="4000" aria-describedby="text-hint">${view.text}</textarea>
      <p>
        <button class="button secondary" type="submit" formaction="${base}/preview" formtarget="_blank">Previzualizează PDF</button>
        <button class="button" type="submit">Emite și semnează</button>
      </p>
    </form>`;
  return page({ title: `Emite document ${label}`, townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, flash: view.flash, body });
}
